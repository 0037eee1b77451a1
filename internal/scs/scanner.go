package scs

import "fmt"

// scanner is a cursor over a flavor name; each method mirrors one piece of
// the reference regexes, which are matched greedily from the cursor.
type scanner struct {
	s   string
	pos int
}

// peek returns the byte at the cursor, or 0 at the end.
func (sc *scanner) peek() byte {
	return sc.at(0)
}

// at returns the byte i positions after the cursor, or 0 past the end.
func (sc *scanner) at(i int) byte {
	if sc.pos+i >= len(sc.s) {
		return 0
	}
	return sc.s[sc.pos+i]
}

// rest returns the unread remainder.
func (sc *scanner) rest() string {
	return sc.s[sc.pos:]
}

// accept consumes b if it is next.
func (sc *scanner) accept(b byte) bool {
	if sc.pos < len(sc.s) && sc.s[sc.pos] == b {
		sc.pos++
		return true
	}
	return false
}

// acceptString consumes s if it is next.
func (sc *scanner) acceptString(s string) bool {
	if len(sc.s)-sc.pos >= len(s) && sc.s[sc.pos:sc.pos+len(s)] == s {
		sc.pos += len(s)
		return true
	}
	return false
}

// run consumes the longest run of bytes satisfying ok and returns it.
func (sc *scanner) run(ok func(byte) bool) string {
	start := sc.pos
	for sc.pos < len(sc.s) && ok(sc.s[sc.pos]) {
		sc.pos++
	}
	return sc.s[start:sc.pos]
}

// sepDigits consumes sep followed by at least one digit and returns the
// digits; it consumes nothing and returns "" otherwise.
func (sc *scanner) sepDigits(sep byte) string {
	if sc.peek() != sep || !isDigit(sc.at(1)) {
		return ""
	}
	sc.pos++
	return sc.run(isDigit)
}

// fail builds a parse error for part at pos.
func (sc *scanner) fail(part string, pos int, format string, args ...any) *parseError {
	return &parseError{part: part, pos: pos, reached: sc.pos, msg: fmt.Sprintf(format, args...)}
}

func isDigit(b byte) bool      { return b >= '0' && b <= '9' }
func isDigitOrDot(b byte) bool { return isDigit(b) || b == '.' }
func isH(b byte) bool          { return b == 'h' }
