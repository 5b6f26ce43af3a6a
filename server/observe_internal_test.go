package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestEveryLineOfARequestCarriesItsID: a line logged anywhere while a request is served, with
// its context, carries the request's id, as its access line does.
func TestEveryLineOfARequestCarriesItsID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(WithRequestID(slog.NewJSONHandler(&buf, nil)))
	h := observe(log, nil, false, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.WarnContext(r.Context(), "inside the request")
		slog.New(WithRequestID(slog.NewJSONHandler(&buf, nil))).With("part", "store").InfoContext(r.Context(), "deeper")
		w.WriteHeader(http.StatusTeapot)
	}))
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set(RequestIDHeader, "abc-1")
	h.ServeHTTP(httptest.NewRecorder(), req)
	log.Info("outside any request")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), buf.String())
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		want := "abc-1"
		if i == 3 {
			want = ""
		}
		if got, _ := m["requestId"].(string); got != want {
			t.Errorf("line %d %q: requestId %q, want %q", i, m["msg"], got, want)
		}
		if m["msg"] == "request" && (m["status"] != float64(http.StatusTeapot) || m["route"] != "unmatched") {
			t.Errorf("access line: %v", m)
		}
	}
}
