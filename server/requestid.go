package server

// RequestIDHeader names the header that carries the id of a request, given by the client or
// made by Snodo, and returned in the answer.
const RequestIDHeader = "X-Request-Id"
