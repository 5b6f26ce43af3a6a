package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

const (
	// sweepEvery is how often the limiter drops the buckets of clients gone quiet.
	sweepEvery = time.Minute
	// maxBuckets bounds the clients tracked at once; past it, new clients share one bucket
	// until a sweep makes room.
	maxBuckets = 100_000
	// overflowKey is the bucket that new clients share while maxBuckets are in use.
	overflowKey = "overflow"
)

// rateLimiter gives each client a token bucket of burst requests that refills at a rate per
// second. A client is the bearer token of its Authorization header (by its hash; the limiter
// runs after authentication, so only valid tokens reach it), or else its IP address (its /64
// network for IPv6, which one host usually holds whole). X-Forwarded-For is read only when
// trustForwarded says that a proxy in front of Snodo sets it.
type rateLimiter struct {
	limit          rate.Limit
	burst          int
	trustForwarded bool
	now            func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	swept   time.Time
}

// newRateLimiter returns a limiter of perSecond requests per client with bursts of burst, or nil
// (no limit) when perSecond is not positive.
func newRateLimiter(perSecond float64, burst int, trustForwarded bool) *rateLimiter {
	if perSecond <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = max(1, int(math.Ceil(2*perSecond)))
	}
	return &rateLimiter{
		limit: rate.Limit(perSecond), burst: burst, trustForwarded: trustForwarded,
		now: time.Now, buckets: map[string]*rate.Limiter{}, swept: time.Now(),
	}
}

// middleware refuses a client over its rate with 429 and a Retry-After header.
func (rl *rateLimiter) middleware(next http.Handler) http.Handler {
	if rl == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wait := rl.take(rl.client(r)); wait > 0 {
			tooMany(w, wait, fmt.Sprintf("too many requests: this client may send %g per second (bursts of %d)", float64(rl.limit), rl.burst))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tooMany answers 429 RATE_LIMITED with a Retry-After header.
func tooMany(w http.ResponseWriter, wait time.Duration, why string) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeJSON(w, http.StatusTooManyRequests, errorBody(fmt.Sprintf("%s; retry after %d s", why, secs), CodeRateLimited))
}

// take spends one request of the client's bucket, or returns how long until one is available.
func (rl *rateLimiter) take(key string) time.Duration {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	now := rl.now()
	if now.Sub(rl.swept) >= sweepEvery || (len(rl.buckets) >= maxBuckets && now.Sub(rl.swept) >= time.Second) {
		rl.sweep(now)
	}
	b := rl.buckets[key]
	if b == nil {
		if len(rl.buckets) >= maxBuckets {
			key = overflowKey
			b = rl.buckets[key]
		}
		if b == nil {
			b = rate.NewLimiter(rl.limit, rl.burst)
			rl.buckets[key] = b
		}
	}
	r := b.ReserveN(now, 1)
	if !r.OK() {
		return time.Duration(math.MaxInt64)
	}
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return wait
	}
	return 0
}

// sweep drops the buckets that are full again: a full bucket is the same as a new one, so
// dropping it changes nothing for its client.
func (rl *rateLimiter) sweep(now time.Time) {
	for k, b := range rl.buckets {
		if b.TokensAt(now) >= float64(rl.burst) {
			delete(rl.buckets, k)
		}
	}
	rl.swept = now
}

// client names the client of a request: its bearer token's hash, or its address.
func (rl *rateLimiter) client(r *http.Request) string {
	if scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " "); ok &&
		strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != "" {
		sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
		return "token:" + hex.EncodeToString(sum[:16])
	}
	return "ip:" + clientAddress(r, rl.trustForwarded)
}

// clientAddress is the client's IP address: the peer's, or, behind a trusted proxy, the last one
// of X-Forwarded-For (the one the proxy appended; the ones before it are the client's say-so).
func clientAddress(r *http.Request, trustForwarded bool) string {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		host = h
	}
	if trustForwarded {
		if fwd := r.Header.Values("X-Forwarded-For"); len(fwd) > 0 {
			parts := strings.Split(fwd[len(fwd)-1], ",")
			if last := strings.TrimSpace(parts[len(parts)-1]); last != "" {
				host = last
			}
		}
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap()
	if addr.Is6() {
		if p, err := addr.Prefix(64); err == nil {
			return p.String()
		}
	}
	return addr.String()
}
