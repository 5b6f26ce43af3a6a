package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/model"
	"snodo/relay"
)

// Who sees what of a case: one rule, read in one place. Every read of case-level data (a case,
// a referral, an intervention, the plan, the events) goes through the readers of this file, by
// key (Get, which node, nodes and every loader use) or as a relationship field (the guarded
// Rels), and every read by key is audited here, refusals included.
//
//   - FULL: admins, and the case managers of the case's managing actor, see all of it.
//   - RECIPIENT: an actor a referral of the case is sent to (itself or through one of its
//     services) sees, while that referral lasts, the case without its outcome, notes, case
//     manager and plan, and of its referrals only its own. A referral lasts until it is
//     refused, or until RecipientAccessAfterClose after it is completed, failed or cancelled,
//     and while the person's consent to it stands: a referral without a recorded consent, or
//     whose consent was withdrawn (consent.go), gives its recipient no view at all.
//   - Anyone else sees nothing, and what it asks for answers as if it did not exist.

// DefaultRecipientAccessAfterClose is how long a recipient still sees a case after its
// referral closes, unless configured otherwise.
const DefaultRecipientAccessAfterClose = 30 * 24 * time.Hour

// SetRecipientAccessAfterClose sets how long a recipient still sees a case after its referral
// is completed, failed or cancelled; 0 ends its view at once.
func (s *Store) SetRecipientAccessAfterClose(d time.Duration) {
	if d < 0 {
		d = 0
	}
	s.recipientAccess = d
}

// caseRule is the rule for one viewer as Cypher: full is a predicate on a case {c} (the viewer
// sees all of it), mine one on a referral {r} (the viewer receives it and its view lasts).
type caseRule struct {
	full, mine string
	params     map[string]any
}

// rule returns the viewer's rule at the store's clock.
func (s *Store) rule(ctx context.Context) caseRule {
	v := auth.From(ctx)
	switch {
	case v.Role == auth.Admin:
		return caseRule{full: "true", mine: "false", params: map[string]any{}}
	case v.Is(auth.CaseManager, auth.ServiceOperator) && v.ActorID != "":
		full := "false"
		if v.Role == auth.CaseManager {
			full = "{c}.managingActorId = $viewerActor"
		}
		return caseRule{full: full,
			mine: `({r}.status <> 'REFUSED' AND (NOT {r}.status IN ['COMPLETED', 'FAILED', 'CANCELLED'] OR {r}.updatedAt >= $accessSince)
				AND ` + consentStands + `
				AND EXISTS { MATCH ({r})-[:REFERRED_TO]->(accessTo) WHERE accessTo.id = $viewerActor
				  OR EXISTS { (accessTo)<-[:PROVIDES]-(:Actor {id: $viewerActor}) } })`,
			params: map[string]any{"viewerActor": v.ActorID, "accessSince": s.now().Add(-s.recipientAccess)}}
	}
	return caseRule{full: "false", mine: "false", params: map[string]any{}}
}

// fullOn is the rule's full predicate on the case variable c.
func (r caseRule) fullOn(c string) string { return strings.ReplaceAll(r.full, "{c}", c) }

// mineOn is the rule's mine predicate on the referral variable ref.
func (r caseRule) mineOn(ref string) string { return strings.ReplaceAll(r.mine, "{r}", ref) }

// viewOn is the view the viewer has of the case c: 'FULL', 'RECIPIENT' or null for none.
func (r caseRule) viewOn(c string) string {
	return "CASE WHEN " + r.fullOn(c) + " THEN 'FULL' WHEN EXISTS { MATCH (" + c + ")-[:HAS_REFERRAL]->(accessRef:Referral) WHERE " +
		r.mineOn("accessRef") + " } THEN 'RECIPIENT' END"
}

// with returns the rule's parameters merged with more.
func (r caseRule) with(more map[string]any) map[string]any { return merge(r.params, more) }

// restrict sets the view of a case and blanks what the view leaves out.
func restrict(c *model.Case, view model.CaseView) *model.Case {
	c.View = view
	if view != model.CaseViewFull {
		c.View = model.CaseViewRecipient
		c.Outcome, c.Notes, c.CaseManager, c.Exploitation, c.ProjectID = nil, nil, nil, nil, ""
		c.PlanCreatedAt, c.PlanCreatedBy = nil, ""
	}
	return c
}

// full marks a case a write returns: only those who see all of a case change it.
func full(c *model.Case, err error) (*model.Case, error) {
	if c != nil {
		restrict(c, model.CaseViewFull)
	}
	return c, err
}

// readCases reads cases by key as the viewer may see them, and audits the read.
func readCases(ctx context.Context, s *Store, keys []string) (map[string]*model.Case, error) {
	rule := s.rule(ctx)
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]*model.Case, error) {
		records, err := run(ctx, tx, "UNWIND $ids AS id MATCH (c:Case {id: id}) WITH c, "+rule.viewOn("c")+" AS view WHERE view IS NOT NULL RETURN c, view",
			rule.with(map[string]any{"ids": keys}))
		if err != nil {
			return nil, err
		}
		out := make(map[string]*model.Case, len(records))
		for _, r := range records {
			c := restrict(decodeCase(r.Values[0].(neo4j.Node)), model.CaseView(r.Values[1].(string)))
			out[c.ID] = c
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return audited(out, s.auditReads(ctx, "Case", keys, func(k string) (string, bool) {
		c, ok := out[k]
		return relay.GlobalID("Case", k), ok && c != nil
	}))
}

// readReferrals reads referrals by key that the viewer may see, and audits the read as a read
// of their cases.
func readReferrals(ctx context.Context, s *Store, keys []string) (map[string]*model.Referral, error) {
	rule := s.rule(ctx)
	return readOfCases(ctx, s, "Referral", keys, "UNWIND $ids AS id MATCH (c:Case)-[:HAS_REFERRAL]->(r:Referral {id: id}) WHERE "+
		rule.fullOn("c")+" OR "+rule.mineOn("r")+" RETURN r", rule, decodeReferral, func(x *model.Referral) (string, string) { return x.ID, x.CaseID })
}

// readInterventions reads interventions by key that the viewer may see (those of cases it sees
// all of), and audits the read as a read of their cases.
func readInterventions(ctx context.Context, s *Store, keys []string) (map[string]*model.Intervention, error) {
	rule := s.rule(ctx)
	return readOfCases(ctx, s, "Intervention", keys, "UNWIND $ids AS id MATCH (c:Case)-[:HAS_INTERVENTION]->(i:Intervention {id: id}) WHERE "+
		rule.fullOn("c")+" RETURN i", rule, decodeIntervention, func(x *model.Intervention) (string, string) { return x.ID, x.CaseID })
}

// readOfCases reads records of cases (referrals, interventions) by key with the rule's Cypher,
// which returns each record the viewer may see, and audits the read: a record shown as a read
// of its case, a record not shown as refused. keyAndCase gives a record's key and its case's.
func readOfCases[T any](ctx context.Context, s *Store, label string, keys []string, cypher string, rule caseRule,
	decode func(neo4j.Node) T, keyAndCase func(T) (string, string)) (map[string]T, error) {
	out, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]T, error) {
		records, err := run(ctx, tx, cypher, rule.with(map[string]any{"ids": keys}))
		if err != nil {
			return nil, err
		}
		out := make(map[string]T, len(records))
		for _, r := range records {
			x := decode(r.Values[0].(neo4j.Node))
			k, _ := keyAndCase(x)
			out[k] = x
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return audited(out, s.auditReads(ctx, label, keys, func(k string) (string, bool) {
		if x, ok := out[k]; ok {
			_, c := keyAndCase(x)
			return relay.GlobalID("Case", c), true
		}
		return relay.GlobalID(label, k), false
	}))
}

// audited returns what was read only when its audit was written: no read goes unrecorded.
func audited[T any](out map[string]T, err error) (map[string]T, error) {
	if err != nil {
		return nil, err
	}
	return out, nil
}

// guardedKinds are the kinds Get reads through the rule: case-level data.
var guardedKinds map[string]func(ctx context.Context, s *Store, keys []string) (map[string]any, error)

func init() {
	guardedKinds = map[string]func(ctx context.Context, s *Store, keys []string) (map[string]any, error){
		"Case":         anyMap(readCases),
		"Referral":     anyMap(readReferrals),
		"Intervention": anyMap(readInterventions),
	}
}

func anyMap[T any](f func(ctx context.Context, s *Store, keys []string) (map[string]T, error)) func(ctx context.Context, s *Store, keys []string) (map[string]any, error) {
	return func(ctx context.Context, s *Store, keys []string) (map[string]any, error) {
		m, err := f(ctx, s, keys)
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out, err
	}
}

// Guards of the relationship fields of case-level data, on a parent pid and a related node n.
var (
	// A case's referrals: all for a full view, the viewer's own for a recipient.
	referralsOfCase = func(r caseRule) string {
		return "(EXISTS { MATCH (guardCase:Case {id: pid}) WHERE " + r.fullOn("guardCase") + " } OR " + r.mineOn("n") + ")"
	}
	// A plan's interventions: for a full view only.
	interventionsOfCase = func(r caseRule) string {
		return "EXISTS { MATCH (guardCase:Case {id: pid}) WHERE " + r.fullOn("guardCase") + " }"
	}
	// A referral's history: for those who see the referral.
	historyOfReferral = func(r caseRule) string {
		return "EXISTS { MATCH (guardCase:Case)-[:HAS_REFERRAL]->(guardRef:Referral {id: pid}) WHERE " +
			r.fullOn("guardCase") + " OR " + r.mineOn("guardRef") + " }"
	}
)

// guarded returns the rel with the guard on its related nodes.
func guarded[T any](rel Rel[T], guard func(caseRule) string) Rel[T] {
	rel.guard = func(ctx context.Context, s *Store) (string, map[string]any) {
		r := s.rule(ctx)
		return guard(r), r.params
	}
	return rel
}

// mustSee answers NOT_FOUND, exactly as for a node that does not exist, when the viewer may not
// see the case, referral or intervention with the key: a write tells no one what exists.
func (s *Store) mustSee(ctx context.Context, tx neo4j.ManagedTransaction, label, key string, path ...string) error {
	rule := s.rule(ctx)
	var cypher string
	switch label {
	case "Case":
		cypher = "MATCH (c:Case {id: $id}) RETURN " + rule.viewOn("c") + " IS NOT NULL"
	case "Referral":
		cypher = "MATCH (c:Case)-[:HAS_REFERRAL]->(r:Referral {id: $id}) RETURN " + rule.fullOn("c") + " OR " + rule.mineOn("r")
	default:
		cypher = "MATCH (c:Case)-[:HAS_INTERVENTION]->(i:Intervention {id: $id}) RETURN " + rule.fullOn("c")
	}
	records, err := run(ctx, tx, cypher, rule.with(map[string]any{"id": key}))
	if err != nil {
		return err
	}
	if len(records) == 0 || records[0].Values[0] != true {
		return model.InputError(model.UserErrorCodeNotFound, "no "+label+" has this ID", path...)
	}
	return nil
}

// ExistingCaseCodes says which of the codes name a case already, for a load that must not add
// a case twice.
func (s *Store) ExistingCaseCodes(ctx context.Context, codes []string) (map[string]bool, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]bool, error) {
		records, err := run(ctx, tx, "UNWIND $codes AS code MATCH (c:Case {code: code}) RETURN code", map[string]any{"codes": codes})
		if err != nil {
			return nil, err
		}
		out := make(map[string]bool, len(records))
		for _, r := range records {
			out[r.Values[0].(string)] = true
		}
		return out, nil
	})
}

// NewKey returns a random key of 128 bits from crypto/rand, in hex: the key of a case and of
// its referrals, interventions and events, which says nothing of the case's code, its time or
// any other key.
func NewKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
