package pdfupdate

import (
	"context"
	"errors"
	"fmt"
)

// Limits bound what reading one file may cost. A file past any of them is
// refused, as a malformed one is.
type Limits struct {
	MaxSize      int   // bytes of the file
	MaxObjects   int   // object numbers (every number must be below it)
	MaxDepth     int   // nesting of arrays and dictionaries
	MaxChain     int   // references followed from one to the next while resolving one
	MaxRevisions int   // cross-reference sections followed through /Prev
	MaxStream    int   // bytes one decoded stream may have
	MaxWork      int64 // tokens read plus a quarter of the bytes decoded, all told
}

// DefaultLimits serve every file the application reads: uploads of at most
// 20 MB and the documents it writes itself. Reading every object of a file
// within them takes well under a second.
var DefaultLimits = Limits{
	MaxSize:      64 << 20,
	MaxObjects:   1 << 20,
	MaxDepth:     64,
	MaxChain:     32,
	MaxRevisions: 256,
	MaxStream:    16 << 20,
	MaxWork:      10_000_000,
}

// Error is a file that cannot be read: malformed, or over a limit. Its
// text is Swedish, as it reaches the user who uploaded the file.
type Error struct {
	Reason string
	err    error // the context's error, when reading was cancelled
}

func (e *Error) Error() string { return "PDF-filen kunde inte läsas: " + e.Reason }

func (e *Error) Unwrap() error { return e.err }

// ErrBudget is matched (errors.Is) by an Error for a file over a limit.
var ErrBudget = errors.New("pdfupdate: over budget")

func malformed(format string, args ...any) error {
	return &Error{Reason: fmt.Sprintf(format, args...)}
}

func overBudget(reason string) error {
	return &Error{Reason: reason, err: ErrBudget}
}

// budget counts the work done reading one file and watches its context.
type budget struct {
	ctx   context.Context
	left  int64
	until int64 // work left when the context is next checked
	err   error // sticky: once over, every later step fails the same
}

func newBudget(ctx context.Context, work int64) *budget {
	return &budget{ctx: ctx, left: work, until: work}
}

// spend takes n units; it fails once the work is used up or the context
// is done (checked every 4096 units).
func (b *budget) spend(n int64) error {
	if b.err != nil {
		return b.err
	}
	b.left -= n
	if b.left < 0 {
		b.err = overBudget("den kräver för mycket arbete att läsa")
		return b.err
	}
	if b.left <= b.until {
		b.until = b.left - 4096
		if err := b.ctx.Err(); err != nil {
			b.err = &Error{Reason: "läsningen avbröts", err: err}
			return b.err
		}
	}
	return nil
}
