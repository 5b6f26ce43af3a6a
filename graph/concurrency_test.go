package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"snodo/internal/testenv"
	"snodo/server"
)

// The writers of each race and the rounds of each: enough rounds for a lost race to show.
const (
	racers = 8
	rounds = 5
)

// post sends a GraphQL request as an administrator through the handler, from any goroutine:
// it reports a failure as an error instead of ending the test.
func post(h http.Handler, query string, vars map[string]any) (testenv.Response, error) {
	return postAs(h, testenv.Token(testenv.Admin), query, vars)
}

// postAs is post with the bearer token given, or none.
func postAs(h http.Handler, token, query string, vars map[string]any) (testenv.Response, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r testenv.Response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		return r, fmt.Errorf("the answer is not JSON (status %d): %s", rec.Code, rec.Body.String())
	}
	r.Status = rec.Code
	return r, nil
}

// racing is Snodo's handler with no rate limit to speak of: the races come from one client.
func racing(e *testenv.Env) http.Handler {
	return server.New(e.Store, server.Options{Verifier: testenv.Verifier(), RatePerSecond: 1e6, RateBurst: 1e6})
}

// outcome is what one writer got: "" when its write was made, else the code of its first user
// error or, failing that, of its first error.
func outcome(r testenv.Response, mutation string) string {
	if len(r.Errors) > 0 {
		return "error " + r.Code() + ": " + r.Errors[0].Message
	}
	errs, _ := testenv.Get(r.Data, mutation, "userErrors").([]any)
	if len(errs) > 0 {
		return testenv.Get(errs[0], "code").(string)
	}
	return ""
}

// race sends n writes of the mutation at once, writer i with input in(i), and returns what each
// got.
func race(t *testing.T, h http.Handler, mutation, inputType string, n int, in func(i int) map[string]any) []string {
	t.Helper()
	q := `mutation($in: ` + inputType + `!) { ` + mutation + `(input: $in) { userErrors { field code message } } }`
	out := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := post(h, q, map[string]any{"in": in(i)})
			if err != nil {
				out[i] = "error " + err.Error()
				return
			}
			out[i] = outcome(r, mutation)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// version reads the version of the node with the global ID straight from the database.
func version(t *testing.T, e *testenv.Env, gid string) int {
	t.Helper()
	rec := e.Query(t, "MATCH (n {id: $id}) RETURN n.version", map[string]any{"id": key(t, gid)})
	if len(rec) != 1 {
		t.Fatalf("no node %s", gid)
	}
	return int(rec[0].Values[0].(int64))
}

// created runs a create mutation and returns the ID at the path of its payload.
func created(t *testing.T, e *testenv.Env, mutation, inputType string, in map[string]any, selection string, path ...any) string {
	t.Helper()
	return testenv.Get(mutate(t, e, mutation, inputType, in, selection), path...).(string)
}

// TestConcurrentWritersAtOneVersion sends, for every mutation that takes the version the
// client read and for every lifecycle move, racers writes at once at the same version (or from
// the same status), round after round: exactly one write is made each time, the others are
// refused with VERSION_CONFLICT (a lifecycle move without a version: INVALID, the move being no
// longer allowed from the status the winner left).
func TestConcurrentWritersAtOneVersion(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	h := racing(e)
	for i := range racers {
		ids[fmt.Sprint("member ", i)] = created(t, e, "createActor", "CreateActorInput",
			map[string]any{"name": fmt.Sprint("Member ", i), "kind": "OTHER", "zoneIds": []string{ids["Toscana"]}}, "actor { id }", "actor", "id")
	}
	partnership := func(r int, member bool) string {
		p := created(t, e, "createPartnership", "CreatePartnershipInput", map[string]any{"title": fmt.Sprint("Protocol ", r),
			"kind": "OPERATIONAL_PROTOCOL", "zoneIds": []string{ids["Toscana"]}}, "partnership { id }", "partnership", "id")
		if member {
			mutate(t, e, "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": p, "version": version(t, e, p),
				"actorId": ids["member 0"], "role": "PARTNER"}, "partnership { id }")
		}
		return p
	}
	openCase := func() string {
		return created(t, e, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"],
			"managingActorId": ids["Reception centre"], "needIds": []string{ids["work"], ids["housing"]}}, "case { id }", "case", "id")
	}
	host := openCase()
	ids["Partnership"] = partnership(-1, false)
	const conflict, invalid, notFound = "VERSION_CONFLICT", "INVALID", "NOT_FOUND"

	for _, c := range []struct {
		mutation, inputType string
		// round prepares a round and returns the input of writer i.
		round func(r int) func(i int) map[string]any
		// losers are the codes a writer that lost may get.
		losers []string
	}{
		{"updateZone", "UpdateZoneInput", func(r int) func(int) map[string]any {
			v := version(t, e, ids["Grosseto"])
			return func(i int) map[string]any {
				return map[string]any{"id": ids["Grosseto"], "version": v, "name": fmt.Sprintf("Grosseto %d.%d", r, i)}
			}
		}, []string{conflict}},
		{"deleteZone", "DeleteZoneInput", func(r int) func(int) map[string]any {
			z := created(t, e, "createZone", "CreateZoneInput", map[string]any{"name": fmt.Sprint("Area ", r), "kind": "CUSTOM"}, "zone { id }", "zone", "id")
			return func(int) map[string]any { return map[string]any{"id": z, "version": 1} }
		}, []string{conflict, notFound}},
		{"updateActor", "UpdateActorInput", func(r int) func(int) map[string]any {
			v := version(t, e, ids["Technical secretariat"])
			return func(i int) map[string]any {
				return map[string]any{"id": ids["Technical secretariat"], "version": v, "description": fmt.Sprintf("round %d, writer %d", r, i)}
			}
		}, []string{conflict}},
		{"deleteActor", "DeleteActorInput", func(r int) func(int) map[string]any {
			a := created(t, e, "createActor", "CreateActorInput", map[string]any{"name": fmt.Sprint("Passing actor ", r), "kind": "OTHER",
				"zoneIds": []string{ids["Toscana"]}}, "actor { id }", "actor", "id")
			return func(int) map[string]any { return map[string]any{"id": a, "version": 1} }
		}, []string{conflict, notFound}},
		{"updateService", "UpdateServiceInput", func(r int) func(int) map[string]any {
			v := version(t, e, ids["Job desk"])
			return func(i int) map[string]any {
				return map[string]any{"id": ids["Job desk"], "version": v, "name": fmt.Sprintf("Job desk %d.%d", r, i)}
			}
		}, []string{conflict}},
		{"linkService", "LinkServiceInput", func(r int) func(int) map[string]any {
			v := version(t, e, ids["Job desk"])
			add, remove := ids["Follonica"], ids["Grosseto"]
			if r%2 == 1 {
				add, remove = remove, add
			}
			return func(int) map[string]any {
				return map[string]any{"serviceId": ids["Job desk"], "version": v, "addZoneIds": []string{add}, "removeZoneIds": []string{remove}}
			}
		}, []string{conflict}},
		{"deleteService", "DeleteServiceInput", func(r int) func(int) map[string]any {
			s := created(t, e, "createService", "CreateServiceInput", map[string]any{"providerId": ids["Job centre"], "name": fmt.Sprint("Passing desk ", r),
				"categoryId": ids["training_work"], "channel": "DESK", "needIds": []string{ids["work"]}, "zoneIds": []string{ids["Toscana"]}},
				"service { id }", "service", "id")
			return func(int) map[string]any { return map[string]any{"id": s, "version": 1} }
		}, []string{conflict, notFound}},
		{"updateServicePlaces", "UpdatePlacesInput", func(int) func(int) map[string]any {
			v := version(t, e, ids["Shelter"])
			return func(i int) map[string]any {
				return map[string]any{"serviceId": ids["Shelter"], "version": v, "freePlaces": i, "capacity": racers}
			}
		}, []string{conflict}},
		{"updatePartnership", "UpdatePartnershipInput", func(r int) func(int) map[string]any {
			v := version(t, e, ids["Partnership"])
			return func(i int) map[string]any {
				return map[string]any{"id": ids["Partnership"], "version": v, "title": fmt.Sprintf("Protocol %d.%d", r, i)}
			}
		}, []string{conflict}},
		{"deletePartnership", "DeletePartnershipInput", func(r int) func(int) map[string]any {
			p := partnership(r, false)
			return func(int) map[string]any { return map[string]any{"id": p, "version": 1} }
		}, []string{conflict, notFound}},
		{"addPartnershipMember", "AddMemberInput", func(r int) func(int) map[string]any {
			p := partnership(r, false)
			return func(i int) map[string]any {
				return map[string]any{"partnershipId": p, "version": 1, "actorId": ids[fmt.Sprint("member ", i)], "role": "PARTNER"}
			}
		}, []string{conflict}},
		{"updatePartnershipMember", "UpdateMemberInput", func(r int) func(int) map[string]any {
			p := partnership(r, true)
			v := version(t, e, p)
			return func(i int) map[string]any {
				return map[string]any{"partnershipId": p, "version": v, "actorId": ids["member 0"], "role": []string{"LEAD", "ADHERENT", "OBSERVER", "FUNDER"}[i%4]}
			}
		}, []string{conflict}},
		{"removePartnershipMember", "RemoveMemberInput", func(r int) func(int) map[string]any {
			p := partnership(r, true)
			v := version(t, e, p)
			return func(int) map[string]any {
				return map[string]any{"partnershipId": p, "version": v, "actorId": ids["member 0"]}
			}
		}, []string{conflict}},
		{"updatePathwayModel", "UpdatePathwayModelInput", func(r int) func(int) map[string]any {
			v := version(t, e, ids["SIL"])
			return func(i int) map[string]any {
				return map[string]any{"id": ids["SIL"], "version": v, "description": fmt.Sprintf("round %d, writer %d", r, i)}
			}
		}, []string{conflict}},
		{"deleteRoute", "DeleteRouteInput", func(r int) func(int) map[string]any {
			route := created(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids["Job centre"], "toId": ids["Shelter provider"],
				"instrument": fmt.Sprint("form ", r)}, "route { id }", "route", "id")
			return func(int) map[string]any { return map[string]any{"id": route, "version": 1} }
		}, []string{conflict, notFound}},
		{"moveCase", "MoveCaseInput", func(int) func(int) map[string]any {
			c := openCase()
			return func(i int) map[string]any {
				return map[string]any{"caseId": c, "version": 1, "stageId": ids[[]string{"stage 2a", "stage 2b", "stage 2c"}[i%3]]}
			}
		}, []string{conflict}},
		{"closeCase", "CloseCaseInput", func(int) func(int) map[string]any {
			c := openCase()
			return func(i int) map[string]any {
				return map[string]any{"caseId": c, "version": 1, "outcome": []string{"INCLUDED", "TRANSFERRED", "DROPPED_OUT", "OTHER"}[i%4]}
			}
		}, []string{conflict}},
		{"moveReferral", "MoveReferralInput", func(int) func(int) map[string]any {
			ref := created(t, e, "refer", "ReferInput", map[string]any{"caseId": host, "toId": ids["Job desk"], "needId": ids["work.placement"], "consent": givenConsent},
				"referral { id }", "referral", "id")
			mutate(t, e, "moveReferral", "MoveReferralInput", map[string]any{"referralId": ref, "version": 1, "status": "RECEIVED"}, "referral { id }")
			// Conflicting answers: an acceptance, a refusal, a cancellation, at the version read.
			return func(i int) map[string]any {
				in := map[string]any{"referralId": ref, "version": 2, "status": []string{"ACCEPTED", "REFUSED", "CANCELLED"}[i%3]}
				if in["status"] == "REFUSED" {
					in["note"] = "no place"
				}
				return in
			}
		}, []string{conflict}},
		{"moveIntervention", "MoveInterventionInput", func(int) func(int) map[string]any {
			iv := created(t, e, "addIntervention", "AddInterventionInput", map[string]any{"caseId": host, "needId": ids["work.placement"],
				"serviceId": ids["Job desk"]}, "intervention { id }", "intervention", "id")
			mutate(t, e, "moveIntervention", "MoveInterventionInput", map[string]any{"interventionId": iv, "status": "ACTIVE"}, "intervention { id }")
			// From ACTIVE one writer ends it, another stops it: whichever comes second finds it
			// ended, and an ended intervention moves no more.
			return func(i int) map[string]any {
				return map[string]any{"interventionId": iv, "status": []string{"DONE", "STOPPED"}[i%2]}
			}
		}, []string{invalid}},
	} {
		t.Run(c.mutation, func(t *testing.T) {
			var winners []int
			for r := range rounds {
				got := race(t, h, c.mutation, c.inputType, racers, c.round(r))
				won := 0
				for i, o := range got {
					switch {
					case o == "":
						won++
					case !contains(c.losers, o):
						t.Errorf("round %d, writer %d: got %q, want one of %v", r, i, o, c.losers)
					}
				}
				winners = append(winners, won)
			}
			t.Logf("%s: winners per round of %d writers: %v", c.mutation, racers, winners)
			for r, won := range winners {
				if won != 1 {
					t.Errorf("round %d: %d of %d writers at one version won, want exactly 1", r, won, racers)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestConcurrentPlaceDeltasEachRaiseTheVersion takes places at once: every delta is applied to
// the latest count and raises the version by one, so the count and the version both come out
// exact.
func TestConcurrentPlaceDeltasEachRaiseTheVersion(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	const deltas = 16
	v := version(t, e, ids["Shelter"])
	mutate(t, e, "updateServicePlaces", "UpdatePlacesInput", map[string]any{"serviceId": ids["Shelter"], "version": v, "capacity": 40, "freePlaces": 30}, "service { id }")
	for r := range 3 {
		before := version(t, e, ids["Shelter"])
		got := race(t, racing(e), "updateServicePlaces", "UpdatePlacesInput", deltas, func(int) map[string]any {
			return map[string]any{"serviceId": ids["Shelter"], "delta": -1 + 2*(r%2)}
		})
		for i, o := range got {
			if o != "" {
				t.Errorf("round %d, delta %d: %s", r, i, o)
			}
		}
		after := version(t, e, ids["Shelter"])
		free := e.Query(t, "MATCH (s:Service {id: $id}) RETURN s.freePlaces", map[string]any{"id": key(t, ids["Shelter"])})[0].Values[0].(int64)
		t.Logf("round %d: %d deltas raised the version from %d to %d; %d places free", r, deltas, before, after, free)
		if after != before+deltas {
			t.Errorf("round %d: %d deltas raised the version from %d to %d, want %d", r, deltas, before, after, before+deltas)
		}
		if want := []int64{14, 30, 14}[r]; free != want {
			t.Errorf("round %d: %d places free, want %d", r, free, want)
		}
	}
	if n := e.Query(t, "MATCH (:Service {id: $id})-[:REPORTED]->(p) RETURN count(p)", map[string]any{"id": key(t, ids["Shelter"])})[0].Values[0].(int64); n != 1+3*deltas {
		t.Errorf("each change of places is kept as a report: %d, want %d", n, 1+3*deltas)
	}
}
