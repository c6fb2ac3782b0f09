package e2e

import "strconv"

func formatFloat(f float64, prec int) string { return strconv.FormatFloat(f, 'f', prec, 64) }
