package main

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// rpcs counts the Temporal client's calls by method: the web server's and
// the worker's in this process (they share the client), so the answers of
// a round and of the baseline can be compared call for call.
var rpcs rpcCounter

// The counts of polled workflow tasks kept beside the calls.
const (
	tasksFrom  = "workflow tasks from the queue: "
	taskEvents = "events of polled workflow tasks"
	taskBytes  = "bytes of polled workflow tasks"
)

type rpcCounter struct{ m sync.Map } // method → *atomic.Int64

func (c *rpcCounter) interceptor(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	c.add(method, 1)
	err := invoker(ctx, method, req, reply, cc, opts...)
	// Polled workflow tasks only: a task the server hands back in the reply
	// to RespondWorkflowTaskCompleted (when more work arrived meanwhile),
	// or history pages read after a cache miss, are not counted here.
	if r, ok := reply.(*workflowservice.PollWorkflowTaskQueueResponse); ok && err == nil && len(r.TaskToken) > 0 {
		queue := "normal"
		if q, ok := req.(*workflowservice.PollWorkflowTaskQueueRequest); ok && q.GetTaskQueue().GetKind() == enumspb.TASK_QUEUE_KIND_STICKY {
			queue = "sticky"
		}
		c.add(tasksFrom+queue, 1)
		c.add(taskEvents, int64(len(r.GetHistory().GetEvents())))
		c.add(taskBytes, int64(proto.Size(r)))
	}
	return err
}

func (c *rpcCounter) add(key string, d int64) {
	n, ok := c.m.Load(key)
	if !ok {
		n, _ = c.m.LoadOrStore(key, new(atomic.Int64))
	}
	n.(*atomic.Int64).Add(d)
}

// snapshot is every method's count now.
func (c *rpcCounter) snapshot() map[string]int64 {
	s := map[string]int64{}
	c.m.Range(func(k, v any) bool { s[k.(string)] = v.(*atomic.Int64).Load(); return true })
	return s
}

// perAnswer is the calls made between two snapshots, per answer, by
// method, most first: "UpdateWorkflowExecution 1.00, …".
func perAnswer(before, after map[string]int64, answers int) string {
	if answers == 0 {
		return ""
	}
	type count struct {
		method string
		n      int64
	}
	var cs []count
	for m, n := range after {
		if strings.HasPrefix(m, tasksFrom) || m == taskEvents || m == taskBytes {
			continue
		}
		if d := n - before[m]; d > 0 {
			cs = append(cs, count{path.Base(m), d})
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].n > cs[j].n || cs[i].n == cs[j].n && cs[i].method < cs[j].method })
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %.2f", c.method, float64(c.n)/float64(answers))
	}
	return strings.Join(parts, ", ")
}

// polledTasks describes the workflow tasks polled between two snapshots:
// how many per answer and from which queue, and their events and bytes
// each.
func polledTasks(before, after map[string]int64, answers int) string {
	d := func(k string) int64 { return after[k] - before[k] }
	sticky, normal := d(tasksFrom+"sticky"), d(tasksFrom+"normal")
	tasks := sticky + normal
	if answers == 0 || tasks == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f per answer (%d from the sticky queue, %d from the normal one), %.1f events and %.0f bytes each",
		float64(tasks)/float64(answers), sticky, normal, float64(d(taskEvents))/float64(tasks), float64(d(taskBytes))/float64(tasks))
}
