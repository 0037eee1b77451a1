package core

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults describe what goes wrong on a simulated cloud. The zero value is
// a perfect cloud.
type Faults struct {
	// ErrorRate is the share of API calls (0..1) answered 500, 502 or 503.
	ErrorRate float64
	// RateLimitRate is the share of API calls answered 429 with Retry-After.
	RateLimitRate float64
	// ResetRate is the share of image and volume data streams whose
	// connection is reset in the middle of the body.
	ResetRate float64
	// Latency is added to every API call.
	Latency time.Duration
	// TokenTTL is how long Keystone tokens live; zero means one hour.
	TokenTTL time.Duration
}

// ParseFaults reads a fault specification such as
// "error-rate=0.05,reset-rate=0.01,latency=20ms,token-ttl=60s".
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	if strings.TrimSpace(spec) == "" {
		return f, nil
	}
	for _, kv := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return f, fmt.Errorf("fault %q: want key=value", kv)
		}
		if err := f.set(k, v); err != nil {
			return f, fmt.Errorf("fault %q: %w", kv, err)
		}
	}
	return f, nil
}

func (f *Faults) set(key, value string) error {
	rate := func(dst *float64) error {
		r, err := strconv.ParseFloat(value, 64)
		if err != nil || r < 0 || r > 1 {
			return fmt.Errorf("want a rate between 0 and 1, got %q", value)
		}
		*dst = r
		return nil
	}
	duration := func(dst *time.Duration) error {
		d, err := time.ParseDuration(value)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration such as 20ms, got %q", value)
		}
		*dst = d
		return nil
	}
	switch key {
	case "error-rate":
		return rate(&f.ErrorRate)
	case "rate-limit-rate":
		return rate(&f.RateLimitRate)
	case "reset-rate":
		return rate(&f.ResetRate)
	case "latency":
		return duration(&f.Latency)
	case "token-ttl":
		return duration(&f.TokenTTL)
	}
	return fmt.Errorf("unknown fault %q (known: error-rate, rate-limit-rate, reset-rate, latency, token-ttl)", key)
}

// FaultInjector decides, call by call, which fault strikes.
type FaultInjector struct {
	mu sync.Mutex
	f  Faults
}

func NewFaultInjector(f Faults) *FaultInjector { return &FaultInjector{f: f} }

func (fi *FaultInjector) Set(f Faults) {
	fi.mu.Lock()
	fi.f = f
	fi.mu.Unlock()
}

func (fi *FaultInjector) Get() Faults {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.f
}

// CallFault returns the status code to fail an API call with, or 0.
func (fi *FaultInjector) CallFault() int {
	f := fi.Get()
	if f.RateLimitRate > 0 && rand.Float64() < f.RateLimitRate {
		return 429
	}
	if f.ErrorRate > 0 && rand.Float64() < f.ErrorRate {
		return []int{500, 502, 503}[rand.IntN(3)]
	}
	return 0
}

// StreamResetAt returns, for a data stream of size bytes, the offset at
// which its connection is to be reset, or -1 for no reset.
func (fi *FaultInjector) StreamResetAt(size int64) int64 {
	f := fi.Get()
	if f.ResetRate <= 0 || size <= 1 || rand.Float64() >= f.ResetRate {
		return -1
	}
	return 1 + rand.Int64N(size-1)
}

func (fi *FaultInjector) TokenTTL() time.Duration {
	if ttl := fi.Get().TokenTTL; ttl > 0 {
		return ttl
	}
	return time.Hour
}
