package graph_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/relay"
)

func key(t *testing.T, gid string) string {
	t.Helper()
	_, k, err := relay.ParseGlobalID(gid)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestTokensThatAreNotValidAreRefused(t *testing.T) {
	e := testenv.Open(t)
	sign := func(secret string, claims auth.Claims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	valid := auth.Claims{Role: auth.Admin, RegisteredClaims: jwt.RegisteredClaims{
		Subject: "x", Issuer: testenv.Issuer, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	}}
	expired, wrongIssuer, badRole, noExpiry := valid, valid, valid, valid
	expired.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
	wrongIssuer.Issuer = "someone-else"
	badRole.Role = "OVERLORD"
	noExpiry.ExpiresAt = nil
	for name, token := range map[string]string{
		"forged signature": sign("another-secret-0123456789abcdef-xyz", valid),
		"expired":          sign(testenv.Secret, expired),
		"wrong issuer":     sign(testenv.Secret, wrongIssuer),
		"unknown role":     sign(testenv.Secret, badRole),
		"no expiry":        sign(testenv.Secret, noExpiry),
		"not a JWT":        "hello",
	} {
		t.Run(name, func(t *testing.T) {
			r := e.DoWithToken(t, token, `{ viewer { role } }`, nil)
			if r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" {
				t.Errorf("status %d code %q, want 401 UNAUTHENTICATED", r.Status, r.Code())
			}
		})
	}
	if r := e.DoWithToken(t, sign(testenv.Secret, valid), `{ viewer { role subject } }`, nil); testenv.Get(r.Data, "viewer", "role") != "ADMIN" {
		t.Errorf("a valid token: %+v", r)
	}
}

func TestRolesOnTheDirectory(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e) // Follonica lies in Colline Metallifere; Grosseto does not
	coordinator := auth.Viewer{Subject: "coord-colline", Role: auth.Coordinator, ZoneIDs: []string{key(t, ids["Colline Metallifere"])}}
	operator := auth.Viewer{Subject: "op-cpi", Role: auth.ServiceOperator, ActorID: key(t, ids["ARTI"])}
	researcher := auth.Viewer{Subject: "res", Role: auth.Researcher}
	anonymous := auth.Viewer{Role: auth.Anonymous}
	rename := `mutation($in: UpdateZoneInput!) { updateZone(input: $in) { zone { name } userErrors { code } } }`
	places := `mutation($in: UpdatePlacesInput!) { updateServicePlaces(input: $in) { service { freePlaces } userErrors { code } } }`

	// Anyone reads the public directory, anonymous visitors included.
	if r := e.DoAs(t, anonymous, `{ zones { totalCount } services { totalCount } partnerships { totalCount } }`, nil); len(r.Errors) > 0 {
		t.Errorf("anonymous read: %+v", r.Errors)
	}
	cases := []struct {
		name   string
		viewer auth.Viewer
		query  string
		in     map[string]any
		code   string // "" when allowed
	}{
		{"anonymous may not write", anonymous, rename, map[string]any{"id": ids["Follonica"], "version": 1, "name": "A"}, "UNAUTHENTICATED"},
		{"a researcher may not write", researcher, rename, map[string]any{"id": ids["Follonica"], "version": 1, "name": "A"}, "FORBIDDEN"},
		{"a coordinator edits inside its zones", coordinator, rename, map[string]any{"id": ids["Follonica"], "version": 1, "name": "Follonica (GR)"}, ""},
		{"a coordinator may not edit outside its zones", coordinator, rename, map[string]any{"id": ids["Grosseto"], "version": 1, "name": "B"}, "FORBIDDEN"},
		{"a coordinator may not create outside its zones", coordinator, `mutation($in: CreateActorInput!) { createActor(input: $in) { actor { id } } }`,
			map[string]any{"name": "X", "kind": "COOPERATIVE", "zoneIds": []string{ids["Grosseto"]}}, "FORBIDDEN"},
		{"a coordinator creates inside its zones", coordinator, `mutation($in: CreateActorInput!) { createActor(input: $in) { actor { id } } }`,
			map[string]any{"name": "Coop", "kind": "COOPERATIVE", "zoneIds": []string{ids["Follonica"]}}, ""},
		{"an operator may not edit services", operator, `mutation($in: UpdateServiceInput!) { updateService(input: $in) { service { id } } }`,
			map[string]any{"id": ids["shelter"], "version": 1, "name": "X"}, "FORBIDDEN"},
		{"an operator keeps the places of its actor's services", operator, places, map[string]any{"serviceId": ids["shelter"], "delta": -1}, ""},
		{"an operator may not touch another actor's places", auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: key(t, ids["CPI"])}, places,
			map[string]any{"serviceId": ids["shelter"], "delta": -1}, "FORBIDDEN"},
		{"a coordinator may not read the audit log", coordinator, `{ auditLog { totalCount } }`, nil, "FORBIDDEN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.DoAs(t, c.viewer, c.query, map[string]any{"in": c.in})
			if r.Code() != c.code {
				t.Errorf("code %q, want %q: %+v", r.Code(), c.code, r.Errors)
			}
		})
	}
	d := e.MustDo(t, `query($g: ID!) { node(id: $g) { ... on Zone { name version } } }`, map[string]any{"g": ids["Grosseto"]})
	if testenv.Get(d, "node", "name") != "Grosseto" || testenv.Get(d, "node", "version") != float64(1) {
		t.Errorf("a refused edit wrote: %v", d)
	}

	// The audit log holds the changes made, with who and through what, and not the refusals.
	d = e.MustDo(t, `{ auditLog(first: 100) { totalCount edges { node { subject role operation action targetId } } } }`, nil)
	seen := map[string]bool{}
	for _, edge := range testenv.Get(d, "auditLog", "edges").([]any) {
		n := testenv.Get(edge, "node")
		seen[testenv.Get(n, "subject").(string)+" "+testenv.Get(n, "operation").(string)] = true
		if testenv.Get(n, "action") != "CHANGE" {
			t.Errorf("entry %v", n)
		}
	}
	for _, want := range []string{"coord-colline updateZone", "coord-colline createActor", "op-cpi updateServicePlaces", "test-admin createZone"} {
		if !seen[want] {
			t.Errorf("the audit log lacks %q: %v", want, seen)
		}
	}
	if seen["op updateServicePlaces"] || seen["res updateZone"] {
		t.Errorf("refused changes are not audited: %v", seen)
	}
	d = e.MustDo(t, `query($t: ID!) { auditLog(filter: {targetId: $t}) { edges { node { operation subject } } } }`, map[string]any{"t": ids["Follonica"]})
	if got := testenv.Get(d, "auditLog", "edges", 0, "node", "subject"); got != "coord-colline" {
		t.Errorf("the last change of Follonica: %v", d)
	}
	d = testenv.Get(e.DoAs(t, coordinator, `{ viewer { role subject zones { name } } }`, nil).Data, "viewer").(map[string]any)
	if d["role"] != "COORDINATOR" || testenv.Get(d, "zones", 0, "name") != "Colline Metallifere" {
		t.Errorf("viewer: %v", d)
	}
}
