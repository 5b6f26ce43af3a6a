package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/model"
)

// A referral carries the person's consent on its node: consentGivenAt, consentActorId (the
// recipient actor), consentScope, consentRecordedBy, and once withdrawn consentWithdrawnAt and
// consentWithdrawnBy. Refer writes it, WithdrawConsent withdraws it, and the rule of
// caseread.go reads it: a recipient sees a case only through a referral whose consent stands.

// consentStands is the predicate on a referral r that its consent was given and not withdrawn.
const consentStands = "({r}.consentGivenAt IS NOT NULL AND {r}.consentWithdrawnAt IS NULL)"

// RecipientActor is the Cypher expression of the actor a referral to t goes to: t itself, or
// the provider of the service t.
const RecipientActor = "CASE WHEN t:Actor THEN t.id ELSE head([(t)<-[:PROVIDES]-(provider:Actor) | provider.id]) END"

// consentProps checks the consent of a new referral and returns the properties that record it
// (the recipient actor is set by the statement that creates the referral). A referral without
// consent, or with one that does not cover what a referral shares, is refused CONSENT_REQUIRED.
func (s *Store) consentProps(ctx context.Context, c *model.Check, in *model.ConsentInput) map[string]any {
	if in == nil {
		c.Add(model.UserErrorCodeConsentRequired, "record the person's consent to the referral: when, and that it covers NEEDS, STAGE and HISTORY", "input", "consent")
		return nil
	}
	if in.GivenAt.After(s.now()) {
		c.Add(model.UserErrorCodeInvalid, "a consent is given before it is recorded, not after now", "input", "consent", "givenAt")
	}
	if !model.Covers(in.Scope) {
		c.Add(model.UserErrorCodeConsentRequired, "the referral shares the case's needs, stage and the referral's history: the consent covers NEEDS, STAGE and HISTORY", "input", "consent", "scope")
	}
	return map[string]any{"consentGivenAt": in.GivenAt, "consentScope": strs(in.Scope), "consentRecordedBy": auth.From(ctx).Subject}
}

func decodeConsent(p props) *model.Consent {
	given := p.optTime("consentGivenAt")
	if given == nil {
		return nil
	}
	k := &model.Consent{GivenAt: *given, ActorID: p.str("consentActorId"), RecordedBy: p.str("consentRecordedBy"),
		WithdrawnAt: p.optTime("consentWithdrawnAt"), WithdrawnBy: p.optStr("consentWithdrawnBy")}
	for _, x := range p.strs("consentScope") {
		k.Scope = append(k.Scope, model.ConsentScope(x))
	}
	return k
}

// WithdrawConsent records that the person withdrew the consent to a referral: from the commit
// on, its recipient no longer sees the case (the rule reads the withdrawal). The case's trace
// gets a CONSENT_WITHDRAWN event; the audit log, as every change, the write. Those who see all
// of the case record it: its managing actor's case managers and admins.
func (s *Store) WithdrawConsent(ctx context.Context, in model.WithdrawConsentInput) (*model.Referral, error) {
	var c model.Check
	key := keyOf(&c, "Referral", in.ReferralID, "input", "referralId")
	c.Text(in.Note, model.MaxTextLength, "input", "note")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Referral, error) {
		if err := s.mustSee(ctx, tx, "Referral", key, "input", "referralId"); err != nil {
			return nil, err
		}
		// The case's managers record it: lock the case as a change of it, which they alone may
		// make, then the referral at the version read.
		if err := s.manageCaseOf(ctx, tx, key); err != nil {
			return nil, err
		}
		if err := lock(ctx, tx, "Referral", key, in.Version, "input", "referralId"); err != nil {
			return nil, err
		}
		r, err := getOne(ctx, tx, "Referral", key, decodeReferral)
		if err != nil {
			return nil, err
		}
		switch {
		case r.Consent == nil:
			return nil, model.InputError(model.UserErrorCodeInvalid, "the referral records no consent to withdraw", "input", "referralId")
		case r.Consent.WithdrawnAt != nil:
			return nil, model.InputError(model.UserErrorCodeInvalid, "the consent was withdrawn already", "input", "referralId")
		}
		now, by := s.now(), auth.From(ctx).Subject
		if _, err := run(ctx, tx, "MATCH (n:Referral {id: $id}) SET n.consentWithdrawnAt = $now, n.consentWithdrawnBy = $by, "+touch,
			map[string]any{"id": key, "now": now, "by": by}); err != nil {
			return nil, err
		}
		if err := s.appendEvent(ctx, tx, r.CaseID, now, event{kind: model.TraceEventKindConsentWithdrawn, referralID: key, status: r.Status,
			note: in.Note, summary: "consent withdrawn: the recipient no longer sees the case", actorIDs: []string{r.FromID}}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Referral", key, decodeReferral)
	})
}

// manageCaseOf checks that the viewer sees all of the referral's case (an admin, or a case
// manager of its managing actor), closed or not, and locks the case: a person withdraws consent
// whenever they choose.
func (s *Store) manageCaseOf(ctx context.Context, tx neo4j.ManagedTransaction, referralKey string) error {
	rule := s.rule(ctx)
	records, err := run(ctx, tx, "MATCH (c:Case)-[:HAS_REFERRAL]->(:Referral {id: $id}) RETURN c.id, "+rule.fullOn("c"), rule.with(map[string]any{"id": referralKey}))
	if err != nil {
		return err
	}
	if len(records) == 0 || records[0].Values[1] != true {
		return model.Errorf(model.CodeForbidden, "only the case's managers record a withdrawal of consent")
	}
	return lock(ctx, tx, "Case", records[0].Values[0].(string), -1, "input", "referralId")
}

// ConsentScopes are the scopes a referral's consent covers, as stored: for the seed and the
// generated histories, which write referrals as Refer does.
func ConsentScopes() []string { return strs(model.ConsentScopes) }
