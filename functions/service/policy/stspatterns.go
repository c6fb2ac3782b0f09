package policy

// Patterns lists the configured entries (lower case): exact media types,
// "type/*" patterns and "*", for the /sts CAM conditions.
func (c ContentTypes) Patterns() []string {
	out := append([]string(nil), c.exact...)
	for _, p := range c.prefixes {
		out = append(out, p+"*")
	}
	if c.any {
		out = append(out, "*")
	}
	return out
}
