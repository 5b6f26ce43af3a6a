// Package e2e drives the web app in Debian's Chromium (chromedp) against a real Snodo over the
// test Neo4j with the demo network: one test per journey of the app, each page checked with
// axe-core (no serious or critical violation) and saved as a screenshot under e2e/out/.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"snodo/internal/testenv"
	"snodo/seed"
	"snodo/server"
	"snodo/web"
)

// journeyTimeout bounds one test's browser: the longest journeys take about 70 s on a quiet
// 2-core machine and have gone past 3 minutes on a loaded one.
const journeyTimeout = 6 * time.Minute

// outDir holds the screenshots of a run (gitignored).
var outDir = filepath.Join("out")

// app is a Snodo serving the embedded app with dev sign-in, over the demo network, and a
// browser tab on it.
type app struct {
	t    *testing.T
	env  *testenv.Env
	url  string
	ctx  context.Context
	shot int
}

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, _ := exec.LookPath("chromium")
	return p
}

// start loads the demo network into a clean database, serves Snodo on a local port and opens
// a headless Chromium on it.
func start(t *testing.T) *app {
	t.Helper()
	return startWith(t, func(*server.Options) {})
}

// startWith is start with the server's options changed by configure.
func startWith(t *testing.T, configure func(*server.Options)) *app {
	t.Helper()
	if !web.Built(web.Files()) {
		t.Skip("the web app is not built (web/dist has no index.html): run `make build` or `make test`, which build it")
	}
	browser := chromiumPath()
	if browser == "" {
		t.Fatal("no Chromium: `make test` installs Debian's chromium package (make chromium)")
	}
	env := testenv.Open(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, env.Store, seed.Demo()); err != nil {
		t.Fatalf("loading the demo network: %v", err)
	}
	opt := server.Options{
		Verifier:      testenv.Verifier(),
		App:           web.Files(),
		DevSignIn:     &server.DevSignIn{Secret: testenv.Secret, Issuer: testenv.Issuer},
		RatePerSecond: -1,
	}
	configure(&opt)
	srv := httptest.NewServer(server.New(env.Store, opt))
	t.Cleanup(srv.Close)
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts,
		chromedp.ExecPath(browser),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	tctx, cancelTimeout := context.WithTimeout(bctx, journeyTimeout)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, env: env, url: srv.URL, ctx: tctx}
	// The first run starts the browser, which lives as long as the context of that run.
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1280, 1000)); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	return a
}

// do runs actions that return nothing, failing the test on the first error.
func (a *app) do(actions ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(a.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		a.t.Fatalf("browser: %v\npage: %s", err, a.dump())
	}
}

// stepTimeout bounds each wait: an element that does not come fails the test with the page.
const stepTimeout = 20 * time.Second

// dump is the page's address and main text, for a failure's message.
func (a *app) dump() string {
	v, err := chromedp.Run(a.ctx, chromedp.Evaluate[string](`location.href + '\n' + (document.querySelector('main') || document.body).innerText.slice(0, 1500)`))
	if err != nil {
		return err.Error()
	}
	return v
}

// eval evaluates a script and returns its value.
func eval[T any](a *app, js string, opts ...chromedp.EvaluateOption) T {
	a.t.Helper()
	v, err := chromedp.Run(a.ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		a.t.Fatalf("browser: %s: %v", truncate(js, 80), err)
	}
	return v
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// visible waits until an element that the CSS selector finds is shown: a poll in the page,
// which sees elements the app draws after the load.
func visible(sel string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.getClientRects().length > 0; })()`, sel))
}

// waitJS polls a predicate in the page until it holds, across the page loads that a sign-in's
// redirects make (a poll does not survive a navigation: it starts again in the new page).
func waitJS(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(stepTimeout)
		for {
			_, err := chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline)))(ctx, t)
			if err == nil || ctx.Err() != nil || time.Now().After(deadline) || !navigated(err) {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// navigated tells whether a poll failed because the page was replaced under it.
func navigated(err error) bool {
	msg := err.Error()
	for _, s := range []string{"navigated or closed", "Execution context was destroyed", "Cannot find context", "context with specified id"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// hasText waits until the element that the selector finds shows the text.
func hasText(sel, text string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.innerText.includes(%q); })()`, sel, text))
}

// click waits for an element and clicks it.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(visible(sel), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { document.querySelector(%q).click(); return true; })()`, sel))(ctx, t)
		return err
	}))
}

// ready waits for the router to have drawn a page.
var ready = visible("main:not([aria-busy]) h1")

// open loads a path afresh (a new page load: the session, kept in memory, is gone).
func (a *app) open(path string) {
	a.t.Helper()
	a.do(chromedp.Navigate(a.url+path), ready)
}

// signIn signs in as a demo identity on the dev sign-in page, which then goes to next.
func (a *app) signIn(identity, next string) {
	a.t.Helper()
	a.open("/signin?next=" + next)
	a.do(click(fmt.Sprintf(`button[data-identity=%q]`, identity)), visible("#signed-in-as"), ready)
}

func (a *app) signOut() {
	a.t.Helper()
	a.do(click("#sign-out"), visible("#sign-in"))
}

// text is the visible text of the first element the selector finds.
func (a *app) text(sel string) string {
	a.t.Helper()
	s, err := chromedp.Run(a.ctx, chromedp.Text(css(sel)))
	if err != nil {
		a.t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return s
}

// typeInto clears an input and types text into it, as a person would.
func (a *app) typeInto(sel, text string) {
	a.t.Helper()
	a.do(visible(sel))
	eval[bool](a, fmt.Sprintf(`document.querySelector(%q).value = ''; true`, sel))
	a.do(chromedp.SendKeys(css(sel), text))
}

// check saves a screenshot of the page as out/<test>-<n>-<name>.png (quality 100 is PNG) and runs axe-core on it:
// the test fails on any serious or critical violation of WCAG 2.1 A and AA.
func (a *app) check(name string) {
	a.t.Helper()
	a.shot++
	png, err := chromedp.Run(a.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		a.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(outDir, fmt.Sprintf("%s-%02d-%s.png", a.t.Name(), a.shot, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		a.t.Fatal(err)
	}
	a.axe(name)
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

var axeSource string

// axe injects axe-core (through DevTools, which the page's CSP does not govern) and runs it.
func (a *app) axe(name string) {
	a.t.Helper()
	if axeSource == "" {
		b, err := os.ReadFile(filepath.Join("..", "web", "node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			a.t.Fatalf("axe-core is not installed (make web runs npm ci): %v", err)
		}
		axeSource = string(b)
	}
	eval[bool](a, axeSource+";true")
	raw := eval[string](a, `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		a.t.Fatalf("axe on %s: %v", name, err)
	}
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+truncate(n.HTML, 160))
		}
		a.t.Errorf("axe on %s: %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// media switches the page's CSS media type ("print", or "" for the screen).
func (a *app) media(m string) {
	a.t.Helper()
	a.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	}))
}

// printPDF prints the page as the browser's print does, to out/<test>-<name>.pdf.
func (a *app) printPDF(name string) []byte {
	a.t.Helper()
	pdf, err := chromedp.Run(a.ctx, chromedp.PrintToPDF())
	if err != nil {
		a.t.Fatalf("print: %v", err)
	}
	if err := os.WriteFile(filepath.Join(outDir, a.t.Name()+"-"+name+".pdf"), pdf, 0o644); err != nil {
		a.t.Fatal(err)
	}
	return pdf
}

// downloads sends the browser's downloads to a directory of the test's.
func (a *app) downloads() string {
	a.t.Helper()
	dir := a.t.TempDir()
	a.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}))
	return dir
}

// downloaded waits for a finished file of the name in dir and returns its content.
func (a *app) downloaded(dir, name string) []byte {
	a.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) > 0 {
			return b
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	a.t.Fatalf("no download %s in %s (%v)", name, dir, entries)
	return nil
}
