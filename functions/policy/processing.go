package policy

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Cloud Infinite (数据万象) processing on a download: a GET whose query
// carries either a pipeline as one parameter name with an empty value
// (imageMogr2/thumbnail/200x|watermark/2/text/…) or ci-process=… with its
// own parameters. It is admitted by family (SIGN_CI_PROCESSING), after
// its options are checked, and then signed like any param, which binds the
// URL to the processed form.

// Family is a group of processing that carries one kind of risk.
type Family string

const (
	// FamilyImage: imageMogr2, imageView2 and text watermarks
	// (watermark/2). Basic image processing switches itself on at first
	// use, and COS serves it appended unsigned to any signed GET, so
	// refusing to sign it protects nothing.
	FamilyImage Family = "image"
	// FamilyInfo: imageInfo and exif (exif holds GPS positions).
	FamilyInfo Family = "info"
	// FamilySnapshot: ci-process=snapshot, a video frame (billed per frame).
	FamilySnapshot Family = "snapshot"
	// FamilyDocPreview: ci-process=doc-preview as an image or PDF page.
	FamilyDocPreview Family = "doc-preview"
	// FamilyDocHTML: ci-process=doc-preview&dstType=html, HTML with script
	// served from the bucket's (or CDN's) domain.
	FamilyDocHTML Family = "doc-html"
	// FamilyImageWatermark: watermark/1 and watermark/3, which read a
	// second object named in the URL.
	FamilyImageWatermark Family = "image-watermark"
	// FamilyOrigin: ci-process=originImage, the original despite 原图保护.
	FamilyOrigin Family = "origin"
)

// families in the order messages list them; dangerous ones pass only by
// name, never through "*".
var families = []struct {
	f         Family
	dangerous bool
}{
	{FamilyImage, false}, {FamilySnapshot, false}, {FamilyDocPreview, false},
	{FamilyInfo, true}, {FamilyImageWatermark, true}, {FamilyDocHTML, true}, {FamilyOrigin, true},
}

// DefaultProcessing is SIGN_CI_PROCESSING's default: basic image
// processing, which cannot be refused anyway.
const DefaultProcessing = "image"

// Processing limits: CI runs at most 10 stages; 1024 bytes is far more
// than any documented thumbnail, crop or watermark needs.
const (
	MaxProcessingStages = 10
	MaxProcessingLength = 1024
)

// Families is SIGN_CI_PROCESSING: the families that may be signed.
type Families map[Family]bool

// ParseFamilies reads a comma-separated list of family names; "*" stands
// for the families without a particular risk (image, snapshot,
// doc-preview), "none" for none.
func ParseFamilies(list string) (Families, error) {
	fs := Families{}
	for _, e := range strings.Split(list, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		switch e {
		case "", "none":
			continue
		case "*":
			for _, f := range families {
				if !f.dangerous {
					fs[f.f] = true
				}
			}
			continue
		case "pm3u8":
			return nil, fmt.Errorf("%q is not offered: CI presigns a private HLS playlist's segments for up to 12 hours, past SIGN_MAX_EXPIRED", e)
		}
		if !slices.ContainsFunc(families, func(f struct {
			f         Family
			dangerous bool
		}) bool {
			return string(f.f) == e
		}) {
			return nil, fmt.Errorf("%q is not a processing family (%s, or * for %s)", e, allFamilies(false), allFamilies(true))
		}
		fs[Family(e)] = true
	}
	return fs, nil
}

func allFamilies(safeOnly bool) string {
	var names []string
	for _, f := range families {
		if !safeOnly || !f.dangerous {
			names = append(names, string(f.f))
		}
	}
	return strings.Join(names, ", ")
}

// String lists the families in a fixed order ("none" for none).
func (fs Families) String() string {
	var names []string
	for _, f := range families {
		if fs[f.f] {
			names = append(names, string(f.f))
		}
	}
	if names == nil {
		return "none"
	}
	return strings.Join(names, ",")
}

// Processing is the processing a download's params ask for.
type Processing struct {
	// Families are what it needs, in the order String lists them.
	Families []Family
	// Params are the params that carry it (a subset of the request's):
	// the pipeline's name, or ci-process and its options.
	Params map[string]string
	// Text is the processing as a query would write it, for the answer:
	// "imageMogr2/thumbnail/200x" or "ci-process=snapshot&time=1".
	Text string
}

// ProcessingError is processing that cannot be signed: Code is
// InvalidProcessing (malformed, or an option the service never signs).
// The functions return it as an error (never a typed nil); callers find
// it with errors.As.
type ProcessingError struct{ Reason string }

func (e *ProcessingError) Error() string { return e.Reason }

func invalid(format string, args ...any) error {
	return &ProcessingError{fmt.Sprintf(format, args...)}
}

// ParseProcess reads the process field: a pipeline as the CI documents
// write it (imageMogr2/thumbnail/200x|…), or a ci-process query
// (ci-process=snapshot&time=1). The result are the params that carry it.
func ParseProcess(text string) (map[string]string, error) {
	text = strings.TrimPrefix(strings.TrimSpace(text), "?")
	if text == "" {
		return nil, invalid("process is empty")
	}
	if len(text) > MaxProcessingLength {
		return nil, invalid("process is %d bytes; the maximum is %d", len(text), MaxProcessingLength)
	}
	if len(text) < len("ci-process=") || !strings.EqualFold(text[:len("ci-process=")], "ci-process=") {
		return map[string]string{text: ""}, nil
	}
	q, err := url.ParseQuery(text)
	if err != nil {
		return nil, invalid("process %s is not a query: %v", quoteProc(text), err)
	}
	params := make(map[string]string, len(q))
	for name, vs := range q {
		if len(vs) != 1 {
			return nil, invalid("process names %s more than once", quoteProc(name))
		}
		if paramNameFold(params, name) != "" {
			return nil, invalid("process names %s twice, in different letter case", quoteProc(name))
		}
		params[name] = vs[0]
	}
	return params, nil
}

// IsPipelineName reports whether a param name is a processing pipeline:
// it holds '/' or '|', or is imageInfo or exif (in any letter case, as COS
// folds signed names).
func IsPipelineName(name string) bool {
	return strings.ContainsAny(name, "/|") || strings.EqualFold(name, "imageInfo") || strings.EqualFold(name, "exif")
}

// ProcessingOf finds the processing among a download's params (nil when
// there is none) and checks it: one pipeline or one ci-process, its
// operations known, its options within bounds. Which families may be
// signed, and on which methods, is the caller's rule.
func ProcessingOf(params map[string]string) (*Processing, error) {
	var pipes []string
	for name := range params {
		if IsPipelineName(name) {
			pipes = append(pipes, name)
		}
	}
	ci := paramNameFold(params, "ci-process")
	n := len(pipes)
	if ci != "" {
		slices.Sort(pipes)
		pipes, n = append(pipes, ci), n+1
	}
	switch {
	case n == 0:
		return nil, nil
	case n > 1:
		return nil, invalid("one processing per download: join stages with '|' in one name (got %s)", QuoteNames(pipes))
	case ci != "":
		return ciProcess(params, ci)
	}
	name := pipes[0]
	if v := params[name]; v != "" {
		return nil, invalid("processing %s takes an empty value, got %s", quoteProc(name), quoteProc(v))
	}
	fs, err := pipeline(name)
	if err != nil {
		return nil, err
	}
	return &Processing{Families: fs, Params: map[string]string{name: ""}, Text: name}, nil
}

// pipeline checks a pipeline and says which families it needs.
func pipeline(p string) ([]Family, error) {
	if len(p) > MaxProcessingLength {
		return nil, invalid("processing is %d bytes; the maximum is %d", len(p), MaxProcessingLength)
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("&#?%\"'<>\\`", c) >= 0 {
			return nil, invalid("processing %s holds %q: operations are printable ASCII without spaces or &#?%%\"'<>\\`", quoteProc(p), c)
		}
	}
	stages := strings.Split(p, "|")
	if len(stages) > MaxProcessingStages {
		return nil, invalid("processing has %d stages; the maximum is %d", len(stages), MaxProcessingStages)
	}
	need := map[Family]bool{}
	for _, st := range stages {
		f, err := stage(st)
		if err != nil {
			return nil, err
		}
		need[f] = true
	}
	return ordered(need), nil
}

// stage checks one stage of a pipeline.
func stage(st string) (Family, error) {
	if st == "" {
		return "", invalid("processing has an empty stage (\"||\" or a '|' at an end)")
	}
	segs := strings.Split(st, "/")
	for _, s := range segs {
		if strings.EqualFold(s, "ignore-error") {
			return "", invalid("processing %s asks for ignore-error, which serves the original when processing fails: it is never signed", quoteProc(st))
		}
	}
	op, args := segs[0], segs[1:]
	switch {
	case strings.EqualFold(op, "imageMogr2"), strings.EqualFold(op, "imageView2"):
		if len(args) == 0 || args[0] == "" {
			return "", invalid("processing stage %s has no operation after %s/", quoteProc(st), op)
		}
		return FamilyImage, nil
	case strings.EqualFold(op, "watermark"):
		mode := ""
		if len(args) > 0 {
			mode = args[0]
		}
		switch mode {
		case "2":
			return FamilyImage, nil
		case "1", "3":
			return FamilyImageWatermark, nil
		}
		return "", invalid("processing stage %s: watermark/2 (text), watermark/1 and watermark/3 (image) are signed, not watermark/%s", quoteProc(st), mode)
	case strings.EqualFold(op, "imageInfo"), strings.EqualFold(op, "exif"):
		if len(args) > 0 {
			return "", invalid("processing stage %s: %s takes no options", quoteProc(st), op)
		}
		return FamilyInfo, nil
	}
	return "", invalid("processing operation %s is not one this service signs (imageMogr2, imageView2, watermark, imageInfo, exif, or ci-process=snapshot, doc-preview, originImage)", quoteProc(op))
}

// ciOption checks one option's value of a ci-process kind.
type ciOption func(v string) bool

var (
	anyValue = func(v string) bool { return len(v) <= MaxProcessingLength }
	digits   = func(v string) bool { return v != "" && len(v) <= 9 && strings.Trim(v, "0123456789") == "" }
	seconds  = func(v string) bool {
		whole, frac, _ := strings.Cut(v, ".")
		return digits(whole) && (frac == "" || digits(frac)) && !strings.HasSuffix(v, ".")
	}
	oneOf = func(vs ...string) ciOption {
		return func(v string) bool { return slices.Contains(vs, strings.ToLower(v)) }
	}
)

// ciKinds are the ci-process values this service signs and their options
// (names in lower case). pm3u8 and the AI / recognition processes are not
// download processing it offers.
var ciKinds = map[string]map[string]ciOption{
	"snapshot": {"time": seconds, "format": oneOf("jpg", "png"), "width": digits, "height": digits,
		"mode": oneOf("exactframe", "keyframe"), "rotate": oneOf("auto", "off")},
	"doc-preview": {"dsttype": oneOf("jpg", "png", "pdf", "html"), "page": digits, "srctype": digits,
		"sheet": digits, "comment": oneOf("0", "1"), "excelpaperdirection": oneOf("0", "1", "2"),
		"excelrow": digits, "excelcol": digits, "excelpapersize": digits, "txtpagination": oneOf("true", "false"),
		"quality": digits, "scale": digits, "imagedpi": digits, "imageparams": anyValue, // a pipeline: see ciProcess
		"htmlparams": anyValue, "htmlwaterword": anyValue, "htmlfillstyle": anyValue, "htmlfront": anyValue,
		"htmlrotate": digits, "htmlhorizontal": digits, "htmlvertical": digits, "copyable": oneOf("0", "1")},
	"originimage": {},
}

// ciProcess checks ci-process and its options; every other param is left
// to the caller's rules.
func ciProcess(params map[string]string, ciName string) (*Processing, error) {
	kind := params[ciName]
	opts, ok := ciKinds[strings.ToLower(kind)]
	switch {
	case strings.EqualFold(kind, "pm3u8"):
		return nil, invalid("ci-process=pm3u8 is not signed: CI presigns a private HLS playlist's segments for up to 12 hours, past SIGN_MAX_EXPIRED")
	case !ok:
		return nil, invalid("ci-process=%s is not one this service signs (snapshot, doc-preview, originImage)", quoteProc(kind))
	}
	p := &Processing{Params: map[string]string{ciName: kind}}
	need := map[Family]bool{}
	switch strings.ToLower(kind) {
	case "snapshot":
		need[FamilySnapshot] = true
		if paramNameFold(params, "time") == "" {
			return nil, invalid("ci-process=snapshot needs time (seconds into the video)")
		}
	case "originimage":
		need[FamilyOrigin] = true
	case "doc-preview":
		dst := "jpg"
		if n := paramNameFold(params, "dstType"); n != "" {
			dst = strings.ToLower(params[n])
		}
		html := dst == "html"
		if html {
			need[FamilyDocHTML] = true
		} else {
			need[FamilyDocPreview] = true
		}
		for name := range params {
			l := strings.ToLower(name)
			if (strings.HasPrefix(l, "html") || l == "copyable") && opts[l] != nil && !html {
				return nil, invalid("ci-process=doc-preview option %s is for dstType=html only", quoteProc(name))
			}
		}
	}
	size := len(ciName) + len(kind)
	var names []string
	for name, v := range params {
		check, known := opts[strings.ToLower(name)]
		if !known {
			continue
		}
		if strings.EqualFold(name, "imageParams") {
			fs, err := pipeline(v)
			if err != nil {
				return nil, err
			}
			if len(fs) != 1 || fs[0] != FamilyImage {
				return nil, invalid("ci-process=doc-preview imageParams takes basic image processing (imageMogr2, imageView2, watermark/2) only")
			}
		} else if !check(v) {
			return nil, invalid("ci-process=%s option %s has a value it does not take: %s", kind, quoteProc(name), quoteProc(v))
		}
		size += len(name) + len(v) + 2
		p.Params[name] = v
		names = append(names, name)
	}
	if size > MaxProcessingLength {
		return nil, invalid("processing is %d bytes; the maximum is %d", size, MaxProcessingLength)
	}
	slices.Sort(names)
	q := url.Values{}
	for _, n := range names {
		q.Set(n, params[n])
	}
	p.Text = "ci-process=" + url.QueryEscape(kind)
	if len(names) > 0 {
		p.Text += "&" + q.Encode()
	}
	p.Families = ordered(need)
	return p, nil
}

func ordered(need map[Family]bool) []Family {
	var out []Family
	for _, f := range families {
		if need[f.f] {
			out = append(out, f.f)
		}
	}
	return out
}

// Missing is the first of fs that the list does not allow ("" if none).
func (fs Families) Missing(need []Family) Family {
	for _, f := range need {
		if !fs[f] {
			return f
		}
	}
	return ""
}

func quoteProc(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// QuoteNames writes names for a message: each quoted (Go syntax, so a
// control byte shows) and cut at 80 bytes, separated by ", ".
func QuoteNames(ns []string) string {
	q := make([]string, len(ns))
	for i, n := range ns {
		q[i] = quoteProc(n)
	}
	return strings.Join(q, ", ")
}
