package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestAppendResponseIsJSONMarshal: the response the direct transport writes is, byte for byte,
// the one gqlgen's transports wrote through json.Marshal, for every shape a response has.
func TestAppendResponseIsJSONMarshal(t *testing.T) {
	yes := true
	for name, resp := range map[string]*graphql.Response{
		"data":             {Data: json.RawMessage(`{"node":{"id":"U2VydmljZTpzLTE=","name":"Sportello"}}`)},
		"html-unsafe data": {Data: json.RawMessage(`{"name":"<b>Casa & co</b>\u2028\u2029 ok"}`)},
		"null data":        {},
		"errors and data": {
			Data: json.RawMessage(`{"a":null}`),
			Errors: gqlerror.List{{Message: "not <found>", Path: ast.Path{ast.PathName("a"), ast.PathIndex(2)},
				Extensions: map[string]any{"code": "NOT_FOUND"}}},
		},
		"errors only": {Errors: gqlerror.List{{Message: "boom"}, {Message: "two"}}},
		"extensions":  {Data: json.RawMessage(`{}`), Extensions: map[string]any{"cost": map[string]any{"complexity": 12}, "b": "x&y"}},
		"incremental": {Data: json.RawMessage(`{"x":1}`), Label: "l", Path: ast.Path{ast.PathName("x")}, HasNext: &yes},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := appendResponse(&got, resp); err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Fatalf("got  %s\nwant %s", got.String(), want)
			}
		})
	}
}

// TestAppendResponseRefusesWhatJSONMarshalRefuses: an extension that cannot be marshalled is an
// error, and the transport then marshals the response itself, as before.
func TestAppendResponseRefusesWhatJSONMarshalRefuses(t *testing.T) {
	resp := &graphql.Response{Data: json.RawMessage(`{}`), Extensions: map[string]any{"f": func() {}}}
	if _, err := json.Marshal(resp); err == nil {
		t.Fatal("json.Marshal took a func")
	}
	if err := appendResponse(new(bytes.Buffer), resp); err == nil {
		t.Fatal("appendResponse took a func")
	}
}
