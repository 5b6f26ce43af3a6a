package seed

import "snodo/auth"

// Identity is a person of the demo network one can sign in as in development.
type Identity struct {
	// Key names the identity in the dev sign-in endpoint.
	Key string
	// Name says who it is, in Italian and in English.
	NameIt, NameEn string
	Viewer         auth.Viewer
}

// DemoIdentities are the people of the demo network: one for each kind of user.
func DemoIdentities() []Identity {
	return []Identity{
		{Key: "case-manager-sds", NameIt: "Case manager, SdS Zona Pisana", NameEn: "Case manager, SdS Zona Pisana",
			Viewer: auth.Viewer{Subject: "demo-case-manager-sds", Role: auth.CaseManager, ActorID: ID("Actor", "sds-pisana")}},
		{Key: "operator-satis", NameIt: "Operatrice SATIS", NameEn: "SATIS operator",
			Viewer: auth.Viewer{Subject: "demo-operator-satis", Role: auth.ServiceOperator, ActorID: ID("Actor", "satis")}},
		{Key: "operator-sai-follonica", NameIt: "Operatore dell'accoglienza SAI Golfo Accoglie (Follonica)", NameEn: "Shelter operator, SAI Golfo Accoglie (Follonica)",
			Viewer: auth.Viewer{Subject: "demo-operator-sai-follonica", Role: auth.ServiceOperator, ActorID: ID("Actor", "sai-follonica")}},
		{Key: "coordinator-pisana", NameIt: "Coordinatrice, Zona Pisana", NameEn: "Coordinator, Zona Pisana",
			Viewer: auth.Viewer{Subject: "demo-coordinator-pisana", Role: auth.Coordinator, ZoneIDs: []string{ID("Zone", "sd-pisana")}}},
		{Key: "researcher", NameIt: "Ricercatrice", NameEn: "Researcher",
			Viewer: auth.Viewer{Subject: "demo-researcher", Role: auth.Researcher}},
		{Key: "admin", NameIt: "Amministratore", NameEn: "Administrator",
			Viewer: auth.Viewer{Subject: "demo-admin", Role: auth.Admin}},
	}
}
