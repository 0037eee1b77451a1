// Package cloud is scs-migrate's one OpenStack layer. It opens
// authenticated sessions the way OpenStack users expect (clouds.yaml,
// OS_CLOUD, OS_* variables, password and application-credential auth,
// cacert/verify) and gives every caller the same HTTP stack: a bounded
// number of API calls in flight, retries with backoff on transient
// failures, transparent token renewal, and call counting. Credentials
// never leave this package except inside the gophercloud provider client.
//
// On top of gophercloud it holds what inventory, plans, transfer and
// migrate would otherwise each write for themselves: APIError (one
// reading of every service's error body), ListAll, the waits (Poll,
// WaitFor, WaitGone, Remove, with one table of transitional states per
// resource kind) and the retry policy. It is one package and not a
// sibling of the session code because the transport, which retries
// requests, and the callers, which must not retry them again, need the
// same classification and a private way to pass "already retried" up.
//
// # Retry policy
//
// Retryable is the only classification: 408, 429, 500, 502, 503, 504 and
// broken connections may succeed on another attempt; cancellation, other
// client errors (400, 401, 403, 404, 409, 413, …) and 501 do not. Three
// layers retry, each what the layer below cannot:
//
//   - The HTTP transport repeats one request up to DefaultRetries (6)
//     times, with Backoff from 200 ms (doubling, at most 30 s, jittered)
//     or the Retry-After the service asked for (at most a minute): 429
//     and 503 for any request (it was not acted on), 500, 502, 504 and
//     broken connections only for requests safe to repeat (GET, HEAD,
//     PUT, DELETE, OPTIONS; POST on 502) and never a body that cannot be
//     sent again (data streams). When it gives up on a transient failure
//     it marks the outcome (APIError.Retried), and Retryable is then
//     false: no layer above repeats the same failure.
//   - The transfer layer starts a stream again up to
//     DefaultStreamRetries (3) times, from 1 s: what the transport cannot
//     repeat (an upload that broke, a create that got a 500), bytes that
//     did not verify, a stream that stalled. A download that breaks after
//     its headers arrived is resumed with a Range request rather than
//     restarted, up to 3 + DefaultStreamRetries times in a row without
//     progress.
//   - The migrate layer tries a step again up to DefaultStepRetries (2)
//     times, from at most 1 s: a create the transport would not repeat,
//     made safe to repeat by adopting what the first attempt made.
//
// Retry returns an error that was still retryable when its budget ran out
// as Permanent, so the layers add up (7 requests, 4 streams, 3 steps at
// worst for different failures) instead of multiplying.
package cloud
