package server

import (
	"errors"
	"log/slog"
	"net/http"

	"snodo/disclosure"
	"snodo/model"
)

// httpStatus is the HTTP status of an API error code, for the endpoints that answer outside
// GraphQL (the report and coverage files, the imports): one table, so a code means the same
// status on every one of them. A code not listed is the client's mistake (400).
var httpStatus = map[model.Code]int{
	model.CodeUnauthenticated:     http.StatusUnauthorized,
	model.CodeForbidden:           http.StatusForbidden,
	model.CodeNotFound:            http.StatusNotFound,
	model.CodeInvalidID:           http.StatusBadRequest,
	model.CodeBadUserInput:        http.StatusBadRequest,
	disclosure.CodePeriodNotEnded: http.StatusBadRequest,
	disclosure.CodeBudgetExceeded: http.StatusTooManyRequests,
	model.CodeUnavailable:         http.StatusServiceUnavailable,
	model.CodeTimeout:             http.StatusGatewayTimeout,
	model.CodeCanceled:            499,
	model.CodeInternal:            http.StatusInternalServerError,
}

// answerError answers a refused or failed request with the error's code and its status; an
// error without a code, or an internal one, is logged and answered as internal.
func answerError(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger, what string) {
	var e *model.Error
	if !errors.As(err, &e) || e.Code == model.CodeInternal {
		log.ErrorContext(r.Context(), what, "error", err)
		writeJSON(w, http.StatusInternalServerError, errorBody("internal error", model.CodeInternal))
		return
	}
	status, ok := httpStatus[e.Code]
	if !ok {
		status = http.StatusBadRequest
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", RetryAfterSeconds)
	}
	writeJSON(w, status, errorBody(e.Message, e.Code))
}
