package service

import (
	"fmt"
	"strconv"
)

// A multipart object is as large as its parts together: at most
// SIGN_MAX_PARTS parts (COS's 10,000 by default), each at most
// SIGN_MAX_PART_LENGTH (or else SIGN_MAX_CONTENT_LENGTH) and signed with
// its length. Numbers above the cap are never signed, so no completion can
// list them.

// checkPartNumber admits a part's number: 1 to SIGN_MAX_PARTS, in plain
// digits (no sign, space or leading zero, which COS's parser might read
// another way than strconv).
func (s *Service) checkPartNumber(t *target) error {
	v, ok := t.params["partNumber"]
	n, err := strconv.Atoi(v)
	if !ok || err != nil || n < 1 || n > DefaultMaxParts || strconv.Itoa(n) != v {
		return badRequest("InvalidPartNumber", fmt.Sprintf("partNumber must be a whole number from 1 to %d, spelt partNumber; got %s", DefaultMaxParts, truncate(strconv.Quote(v), 24)))
	}
	if n > s.cfg.MaxParts {
		return forbidden("PartNumberNotAllowed", fmt.Sprintf("part number %d is more than the maximum of %d parts (SIGN_MAX_PARTS)", n, s.cfg.MaxParts))
	}
	return nil
}

// checkPartLength admits a part's stated length under the part limit.
func (s *Service) checkPartLength(n int64) error {
	if maxLen, name := s.cfg.PartLimit(); maxLen > 0 && n > maxLen {
		return forbidden("ContentLengthNotAllowed", fmt.Sprintf("part length %d is more than the maximum of %d bytes (%s)", n, maxLen, name))
	}
	return nil
}
