package model

import (
	"errors"
	"fmt"
	"strings"
)

// Code is the machine-readable kind of an error, which the API puts in extensions.code.
type Code string

// The codes of errors that end a request or a field.
const (
	CodeBadRequest        Code = "BAD_REQUEST"
	CodeBadUserInput      Code = "BAD_USER_INPUT"
	CodeInvalidID         Code = "INVALID_ID"
	CodeInvalidCursor     Code = "INVALID_CURSOR"
	CodeInvalidPagination Code = "INVALID_PAGINATION"
	CodeNotFound          Code = "NOT_FOUND"
	CodeUnavailable       Code = "SERVICE_UNAVAILABLE"
	CodeTimeout           Code = "TIMEOUT"
	CodeInternal          Code = "INTERNAL_SERVER_ERROR"
)

// Error is Snodo's one error type for failures the caller should see: a code and a sentence.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: its own if it is an *Error, else INTERNAL_SERVER_ERROR.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// InputErrors are problems with a mutation's input that the user can correct. A mutation that
// meets them writes nothing and returns them in its payload.
type InputErrors []UserError

func (e InputErrors) Error() string {
	msgs := make([]string, len(e))
	for i, u := range e {
		msgs[i] = strings.Join(u.Field, ".") + ": " + u.Message
	}
	return strings.Join(msgs, "; ")
}

// Add records a problem with the input field at path.
func (e *InputErrors) Add(code UserErrorCode, message string, path ...string) {
	*e = append(*e, UserError{Field: path, Message: message, Code: code})
}

// Err returns the errors as an error, or nil when there are none.
func (e InputErrors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// InputError returns a single problem with the input field at path, as an error.
func InputError(code UserErrorCode, message string, path ...string) error {
	var e InputErrors
	e.Add(code, message, path...)
	return e
}

// AsInputErrors returns the input errors err carries, if it carries any.
func AsInputErrors(err error) (InputErrors, bool) {
	var e InputErrors
	ok := errors.As(err, &e)
	return e, ok
}
