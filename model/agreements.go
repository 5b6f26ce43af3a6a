package model

// Connections of routes.
type (
	RouteConnection = Connection[*Route]
	RouteEdge       = Edge[*Route]
)
