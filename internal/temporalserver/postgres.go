package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/config"
	_ "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql" // the postgres12 plugins
	sqltool "go.temporal.io/server/tools/sql"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Postgres names the PostgreSQL server Temporal keeps its state in.
type Postgres struct {
	Addr       string // host:port
	User       string
	Password   string
	Database   string // e.g. "temporal"; created when missing
	Visibility string // e.g. "temporal_visibility"; created when missing
	Shards     int    // history shards (fixed for the life of the cluster)
}

// plugin is Temporal's PostgreSQL plugin on the pgx driver, which prepares
// each statement once per connection: PostgreSQL spends about a quarter
// less CPU per recipient at a launch than with lib/pq's "postgres12"
// (cmd/loadgen against make prod-local, 300 recipients: 19–21 ms against
// 26–37 ms). Same schema; either works on the same databases.
const plugin = "postgres12_pgx"

func (p *Postgres) tool(db string, args ...string) error {
	host, port, err := net.SplitHostPort(p.Addr)
	if err != nil {
		return fmt.Errorf("temporalserver: %s: %w", p.Addr, err)
	}
	base := []string{"temporal-sql-tool", "--plugin", plugin, "--ep", host, "-p", port, "-u", p.User, "--db", db}
	if p.Password != "" {
		base = append(base, "--pw", p.Password)
	}
	return sqltool.RunTool(append(base, args...))
}

// setup creates the databases when missing and brings both schemas to the
// version this server needs, with Temporal's SQL tool and its embedded
// schema files, the way a cluster operator would.
func (p *Postgres) setup() (config.Persistence, error) {
	for _, s := range []struct{ db, schema string }{{p.Database, "postgresql/v12/temporal"}, {p.Visibility, "postgresql/v12/visibility"}} {
		if err := p.tool(s.db, "create-database"); err != nil && !strings.Contains(err.Error(), "already exists") {
			return config.Persistence{}, fmt.Errorf("temporalserver: create %s: %w", s.db, err)
		}
		// setup-schema only creates the version tables when they are missing.
		if err := p.tool(s.db, "setup-schema", "-v", "0.0"); err != nil {
			return config.Persistence{}, fmt.Errorf("temporalserver: schema %s: %w", s.db, err)
		}
		if err := p.tool(s.db, "update-schema", "--schema-name", s.schema); err != nil {
			return config.Persistence{}, fmt.Errorf("temporalserver: schema %s: %w", s.db, err)
		}
	}
	// The history and matching services share the default store; the
	// visibility store sees far less traffic.
	store := func(db string, conns int) config.DataStore {
		return config.DataStore{SQL: &config.SQL{PluginName: plugin, DatabaseName: db, ConnectAddr: p.Addr, ConnectProtocol: "tcp",
			User: p.User, Password: p.Password, MaxConns: conns, MaxIdleConns: conns, MaxConnLifetime: time.Hour}}
	}
	shards := p.Shards
	if shards == 0 {
		shards = 4
	}
	return config.Persistence{
		DefaultStore:     "default",
		VisibilityStore:  "visibility",
		NumHistoryShards: int32(shards),
		DataStores:       map[string]config.DataStore{"default": store(p.Database, 20), "visibility": store(p.Visibility, 5)},
	}, nil
}

// registerNamespaces creates the namespaces on a running server (the SQLite
// path writes them directly; here the frontend does).
func registerNamespaces(addr string, namespaces []string) error {
	c, err := client.NewNamespaceClient(client.Options{HostPort: addr})
	if err != nil {
		return fmt.Errorf("temporalserver: %w", err)
	}
	defer c.Close()
	for _, ns := range namespaces {
		var lastErr error
		for range 60 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			lastErr = c.Register(ctx, &workflowservice.RegisterNamespaceRequest{
				Namespace: ns, WorkflowExecutionRetentionPeriod: durationpb.New(30 * 24 * time.Hour)})
			cancel()
			var exists *serviceerror.NamespaceAlreadyExists
			if lastErr == nil || errors.As(lastErr, &exists) {
				lastErr = nil
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		if lastErr != nil {
			return fmt.Errorf("temporalserver: namespace %s: %w", ns, lastErr)
		}
		if err := awaitNamespace(addr, ns); err != nil {
			return err
		}
	}
	return nil
}

// awaitNamespace waits until the frontend serves calls in a namespace just
// registered (its namespace cache refreshes on a timer): a look-up of a
// workflow that does not exist then answers "workflow not found", not
// "namespace not found".
func awaitNamespace(addr, ns string) error {
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: ns})
	if err != nil {
		return fmt.Errorf("temporalserver: %w", err)
	}
	defer c.Close()
	for deadline := time.Now().Add(2 * time.Minute); ; {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := c.DescribeWorkflowExecution(ctx, "temporalserver-probe", "")
		cancel()
		var missing *serviceerror.NamespaceNotFound
		if err == nil || !errors.As(err, &missing) {
			var notFound *serviceerror.NotFound
			if err == nil || errors.As(err, &notFound) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("temporalserver: namespace %s never served: %w", ns, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
