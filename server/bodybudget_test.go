package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// spaces is a part of a body, shared by the slow clients so that they hold no memory of their own.
var spaces = []byte(strings.Repeat(" ", 64<<10))

// slowClient opens a connection, sends a POST declaring a body of size bytes (or chunked, for
// size < 0) and the first part of it, and returns the connection for the rest.
func slowClient(t *testing.T, addr string, size, first int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	head := "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	if size >= 0 {
		head += "Content-Length: " + strconv.Itoa(size) + "\r\n\r\n"
		if _, err = io.WriteString(c, head); err == nil {
			_, err = c.Write(spaces[:first])
		}
	} else {
		head += "Transfer-Encoding: chunked\r\n\r\n"
		_, err = io.WriteString(c, head+fmt.Sprintf("%x\r\n%s\r\n", first, strings.Repeat(" ", first)))
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// status reads the status of the answer on c, waiting at most wait.
func status(c net.Conn, wait time.Duration) (int, http.Header) {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, nil
	}
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Header
}

func budgetServer(t *testing.T, limit int64) (*bodyBudget, string) {
	t.Helper()
	budget := newBodyBudget(limit, nil)
	h := limitBody(DefaultMaxBodyBytes, budget, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		writeJSON(w, http.StatusOK, map[string]int64{"read": n})
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return budget, srv.Listener.Addr().String()
}

// TestBodyBudgetBoundsBodiesInFlight: with a budget of 1 MiB, four slow clients sending 256 KiB
// bodies hold it all; the next ones are refused at once with 503 and Retry-After, chunked ones
// too; once the four finish they are answered and the budget is whole again.
func TestBodyBudgetBoundsBodiesInFlight(t *testing.T) {
	budget, addr := budgetServer(t, 1<<20)
	const size = 256 << 10
	var held []net.Conn
	for range 4 {
		held = append(held, slowClient(t, addr, size, 1024))
	}
	deadline := time.Now().Add(5 * time.Second)
	for budget.used < 4*size && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if budget.used != 4*size {
		t.Fatalf("the four slow bodies reserved %d bytes, want %d", budget.used, 4*size)
	}
	for i, sz := range []int{size, 1024, -1} {
		c := slowClient(t, addr, sz, 64<<10)
		if sz < 0 {
			// A chunked body grows its buffer, and its growth is refused.
			_, _ = io.WriteString(c, fmt.Sprintf("%x\r\n%s\r\n", 64<<10, strings.Repeat(" ", 64<<10)))
		}
		code, h := status(c, 5*time.Second)
		if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
			t.Errorf("request %d past the budget: %d %v, want 503 with Retry-After", i, code, h)
		}
		_ = c.Close()
	}
	for _, c := range held {
		_, _ = io.WriteString(c, strings.Repeat(" ", size-1024))
		if code, _ := status(c, 5*time.Second); code != http.StatusOK {
			t.Errorf("a slow body within the budget, once sent: %d", code)
		}
		_ = c.Close()
	}
	deadline = time.Now().Add(5 * time.Second)
	for budget.used != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if budget.used != 0 || budget.peak > 1<<20 {
		t.Errorf("after the requests: %d bytes still reserved, peak %d, limit %d", budget.used, budget.peak, 1<<20)
	}
}

// rss is the resident set of this process, in bytes, from /proc.
func rss(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc here")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// slowLoad runs 200 slow clients sending 1 MiB bodies against a budget and returns the peak
// growth of the process's resident set while they send.
func slowLoad(t *testing.T, limit int64) (peakGrowth int64, refused int32) {
	runtime.GC()
	debug.FreeOSMemory()
	base := rss(t)
	budget, addr := budgetServer(t, limit)
	var peak atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				if r := rss(t); r > peak.Load() {
					peak.Store(r)
				}
			}
		}
	}()
	const clients, size = 200, DefaultMaxBodyBytes
	var wg sync.WaitGroup
	var n503 atomic.Int32
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := slowClient(t, addr, size, 64<<10)
			defer c.Close()
			// The rest comes slowly, 64 KiB every 100 ms, unless the server refuses first.
			_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
			for sent := 64 << 10; sent < size; sent += 64 << 10 {
				time.Sleep(100 * time.Millisecond)
				if _, err := c.Write(spaces[:min(64<<10, size-sent)]); err != nil {
					break
				}
			}
			if code, _ := status(c, 10*time.Second); code == http.StatusServiceUnavailable {
				n503.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	if limit > 0 && budget.peak > limit {
		t.Errorf("the budget of %d reached %d", limit, budget.peak)
	}
	return peak.Load() - base, n503.Load()
}

// TestSlowLargeBodiesKeepMemoryBounded: 200 clients sending 1 MiB bodies slowly grow the
// resident set by about the budget (32 MiB), not by 200 MiB, and those past the budget are
// refused 503.
func TestSlowLargeBodiesKeepMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("a load of 200 clients")
	}
	if os.Getenv("SNODO_UNBOUNDED_BODIES") != "" { // the figure without a budget, for comparison
		growth, _ := slowLoad(t, -1)
		t.Logf("without a budget: resident set grew by %d MiB at most", growth>>20)
	}
	growth, refused := slowLoad(t, DefaultMaxBodyBytesInFlight)
	t.Logf("with the budget of %d MiB: resident set grew by %d MiB at most; %d of 200 refused 503", DefaultMaxBodyBytesInFlight>>20, growth>>20, refused)
	if growth > 100<<20 {
		t.Errorf("the resident set grew by %d MiB under 200 slow 1 MiB bodies, want under 100", growth>>20)
	}
	if refused == 0 {
		t.Error("no client past the budget was refused")
	}
}
