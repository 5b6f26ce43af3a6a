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
	// CodeOutcomeUnknown is a write whose commit was sent to the database but never
	// confirmed: it may have been made. A client reads the data again before it retries.
	CodeOutcomeUnknown Code = "OUTCOME_UNKNOWN"
	// CodeIdempotencyKeyReused is an Idempotency-Key sent again with a different request.
	CodeIdempotencyKeyReused Code = "IDEMPOTENCY_KEY_REUSED"
	// CodeCanceled is a request its client gave up on (it hung up) before the answer.
	CodeCanceled Code = "CANCELED"
	CodeInternal Code = "INTERNAL_SERVER_ERROR"
)

// Error is Snodo's one error type for failures the caller should see: a code and a sentence,
// and the cause, which the caller does not see.
type Error struct {
	Code    Code
	Message string
	Err     error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

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
