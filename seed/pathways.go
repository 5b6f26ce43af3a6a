package seed

import (
	"slices"

	"snodo/relay"
)

// The keys of the three pathway models of the source documents.
const (
	ModelCOMMIT = "commit"
	ModelInLav  = "inlav"
	ModelSIL    = "sil"
)

// PathwayModels returns the three pathway models of the demo network, for generated networks
// that follow the same models.
func PathwayModels() []PathwayModel { return slices.Clone(directory.PathwayModels) }

func actor(key string) End   { return End{Kind: EndActor, Key: key} }
func service(key string) End { return End{Kind: EndService, Key: key} }

// StageKey is the key of a model's stage, for ID("Stage", ...).
func StageKey(model, code string) string { return model + "/" + code }

// globalID is the API's ID of the record of the kind with the key.
func globalID(kind, key string) string { return relay.GlobalID(kind, ID(kind, key)) }
