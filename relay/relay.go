// Package relay encodes the opaque identifiers of the GraphQL API: global IDs, which name an
// object of any type, and cursors, which mark a place in an ordered list.
package relay

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
)

// typeName is the form of a GraphQL type name, which a cursor's prefix does not have.
var typeName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// ErrMalformed is returned for a global ID or a cursor that Snodo did not issue.
var ErrMalformed = errors.New("malformed identifier")

// GlobalID returns the global ID of the object of the given GraphQL type with the given key.
func GlobalID(typ, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + key))
}

// ParseGlobalID splits a global ID into its GraphQL type and key.
func ParseGlobalID(id string) (typ, key string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return "", "", ErrMalformed
	}
	typ, key, ok := strings.Cut(string(raw), ":")
	if !ok || !typeName.MatchString(typ) || key == "" {
		return "", "", ErrMalformed
	}
	return typ, key, nil
}

// cursorPrefix keeps cursors apart from global IDs, so neither is accepted for the other.
const cursorPrefix = "cursor:"

// Cursor is a place in an ordered list: the value of the sort key of an item and its key, which
// breaks ties, so paging is stable while the list changes.
type Cursor struct {
	Sort any    `json:"s"`
	Key  string `json:"k"`
}

// Encode returns the opaque string form of the cursor.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a Cursor of strings and numbers always marshals
	return base64.RawURLEncoding.EncodeToString(append([]byte(cursorPrefix), b...))
}

// ParseCursor reads a cursor made by Encode.
func ParseCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, ErrMalformed
	}
	body, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return Cursor{}, ErrMalformed
	}
	var c Cursor
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil || c.Key == "" {
		return Cursor{}, ErrMalformed
	}
	if _, err := dec.Token(); err != io.EOF {
		return Cursor{}, ErrMalformed
	}
	if n, ok := c.Sort.(json.Number); ok {
		i, err := n.Int64()
		if err != nil {
			return Cursor{}, ErrMalformed
		}
		c.Sort = i
	}
	switch c.Sort.(type) {
	case nil, string, int64:
	default:
		return Cursor{}, ErrMalformed
	}
	return c, nil
}
