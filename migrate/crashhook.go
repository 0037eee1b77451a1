//go:build !scsmigrate_crashtest

package migrate

// crashHook is the journal's test hook; production builds have none.
func crashHook() func(n int, what string) { return nil }

// crashBytesHook is the transfer progress hook; production builds have none.
func crashBytesHook() func(total int64) { return nil }
