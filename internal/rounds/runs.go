package rounds

import "sync"

// runIDs remembers the run of each workflow an Update reached, so that the
// next Update names it: the Temporal server then reads no current run from
// its database before it applies one (an answer is an assignment's second
// Update at least: it was assigned). A workflow ID names one run here
// (assignments refuse a duplicate ID and never continue as new); one that
// has ended, or was replaced, is forgotten when the server says it is not
// found, and the Update is sent again without it.
type runIDs struct {
	mu sync.Mutex
	m  map[string]string
}

// maxRunIDs bounds what a web server remembers (about 100 bytes each); when
// full it starts again, and the next Update of each reads its run again.
const maxRunIDs = 4096

func (r *runIDs) get(workflowID string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[workflowID]
}

func (r *runIDs) put(workflowID, runID string) {
	if runID == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil || len(r.m) >= maxRunIDs {
		r.m = make(map[string]string)
	}
	r.m[workflowID] = runID
}

func (r *runIDs) forget(workflowID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, workflowID)
}
