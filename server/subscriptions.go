package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"

	"snodo/auth"
	"snodo/graph"
	"snodo/loaders"
	"snodo/model"
	"snodo/store"
)

// DefaultSubscriptionPoll is how often a replica reads the outbox for its subscribers.
const DefaultSubscriptionPoll = time.Second

// subscriptions serves GraphQL subscriptions over WebSocket (graphql-transport-ws, and the
// older graphql-ws), fed by the outbox. The connection is authenticated once, by the token of
// its connection_init payload ({"Authorization": "Bearer <token>"}, or {"token": "<token>"})
// with the same checks as a request's, and closed when the token expires. Each event is
// resolved with loaders and a read log of its own, as a request is, so nothing is cached from
// one event to the next and every read is audited.
func subscriptions(s *store.Store, opt Options) http.Handler {
	log := opt.Logger
	h := handler.New(graph.NewSchema(&graph.Resolver{Store: s, StaleAfter: opt.StaleAfter, Disclosure: opt.Disclosure,
		Events: store.NewEvents(s, orDefault(opt.SubscriptionPoll, DefaultSubscriptionPoll))}))
	var origins []string
	for _, o := range opt.CORSOrigins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			origins = append(origins, u.Host)
		}
	}
	h.AddTransport(transport.Websocket{
		Implementation:        transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{OriginPatterns: origins}},
		InitFunc:              initSubscription(s, opt.Verifier),
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: 15 * time.Second,
		PingPongInterval:      15 * time.Second,
	})
	if opt.DisableIntrospection {
		h.SetDisableSuggestion(true)
		h.SetValidationRulesFn(rulesWithoutSuggestions)
	}
	h.Use(&limits{
		maxDepth:      orDefault(opt.MaxDepth, DefaultMaxDepth),
		maxComplexity: orDefault(opt.MaxComplexity, DefaultMaxComplexity),
		maxAliases:    orDefault(opt.MaxAliases, DefaultMaxAliases),
		introspection: !opt.DisableIntrospection,
	})
	h.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		return next(loaders.WithLoaders(store.WithReadLog(ctx), loaders.New(s)))
	})
	h.SetErrorPresenter(presenter(log))
	h.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in a subscription", "panic", v, "stack", string(debug.Stack()))
		return &model.Error{Code: model.CodeInternal, Message: "internal error"}
	})
	return h
}

// initSubscription authenticates a connection by the token of its init payload, and ends its
// context when the token expires.
func initSubscription(s *store.Store, v *auth.Verifier) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		refuse := func(msg string) (context.Context, *transport.InitPayload, error) {
			return transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, "Forbidden: "+msg), 4403), nil, errors.New(msg)
		}
		token, ok := auth.BearerToken(p.Authorization())
		if !ok || token == "" {
			token = p.GetString("token")
		}
		switch {
		case token == "":
			return refuse(`a subscription needs a token: send {"Authorization": "Bearer <token>"} in connection_init`)
		case v == nil:
			return refuse("this server accepts no tokens")
		}
		viewer, expires, err := v.VerifyExpiry(token)
		if err != nil {
			return refuse("the token is not valid")
		}
		ctx, cancel := context.WithDeadline(auth.WithViewer(ctx, viewer), expires)
		context.AfterFunc(ctx, cancel)
		ctx = transport.AppendCloseReason(ctx, "the connection ends when its token expires, at "+expires.UTC().Format(time.RFC3339))
		return loaders.WithLoaders(store.WithReadLog(ctx), loaders.New(s)), nil, nil
	}
}
