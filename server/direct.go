package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// direct is a gqlgen HTTP transport (transport.POST, transport.GET) whose response to an
// operation is written as gqlgen made it, instead of through json.Marshal. gqlgen's transports
// marshal the whole graphql.Response, and encoding/json re-scans the data gqlgen has just written
// (a json.RawMessage is compacted and validated byte by byte): about 6% of Snodo's CPU on a page
// of 100 services. Everything else (the body, the headers, the status codes, the errors before
// an operation runs) is the transport's own.
type direct struct{ graphql.Transport }

func (d direct) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	once := &writeOnce{ResponseWriter: w}
	d.Transport.Do(once, r, directExec{GraphExecutor: exec, w: once})
}

// directExec writes the operation's response itself, and gives the transport an empty one,
// which writeOnce drops.
type directExec struct {
	graphql.GraphExecutor
	w *writeOnce
}

func (e directExec) DispatchOperation(ctx context.Context, op *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	next, ctx := e.GraphExecutor.DispatchOperation(ctx, op)
	return func(ctx context.Context) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return nil
		}
		if !e.w.writeFirst(resp) {
			return resp // the transport marshals it, and fails as it would have
		}
		return &graphql.Response{}
	}, ctx
}

// writeOnce passes writes through until writeFirst has written a response, and drops them after.
type writeOnce struct {
	http.ResponseWriter
	done bool
}

func (w *writeOnce) Write(b []byte) (int, error) {
	if w.done {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// writeFirst writes resp, and reports whether it could.
func (w *writeOnce) writeFirst(resp *graphql.Response) bool {
	buf := responseBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledResponse {
			responseBuffers.Put(buf)
		}
	}()
	buf.Reset()
	if err := appendResponse(buf, resp); err != nil {
		return false
	}
	w.ResponseWriter.Write(buf.Bytes())
	w.done = true
	return true
}

// The buffers of responses are reused, but not one a large response (an export) has grown.
var responseBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledResponse = 1 << 20

// appendResponse writes resp as json.Marshal does (graphql.Response's field order, its
// omitempty fields, HTML-safe strings), taking its data as already compact JSON, which gqlgen's
// marshallers write. A response of an incremental delivery (label, path, hasNext) is marshalled.
func appendResponse(buf *bytes.Buffer, resp *graphql.Response) error {
	if resp.Label != "" || len(resp.Path) > 0 || resp.HasNext != nil {
		b, err := json.Marshal(resp)
		buf.Write(b)
		return err
	}
	buf.WriteByte('{')
	if len(resp.Errors) > 0 {
		b, err := json.Marshal(resp.Errors)
		if err != nil {
			return err
		}
		buf.WriteString(`"errors":`)
		buf.Write(b)
		buf.WriteByte(',')
	}
	buf.WriteString(`"data":`)
	if resp.Data == nil {
		buf.WriteString("null")
	} else {
		json.HTMLEscape(buf, resp.Data)
	}
	if len(resp.Extensions) > 0 {
		b, err := json.Marshal(resp.Extensions)
		if err != nil {
			return err
		}
		buf.WriteString(`,"extensions":`)
		buf.Write(b)
	}
	buf.WriteByte('}')
	return nil
}

// Unwrap lets http.ResponseController reach the connection.
func (w *writeOnce) Unwrap() http.ResponseWriter { return w.ResponseWriter }
