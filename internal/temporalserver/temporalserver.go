// Package temporalserver runs a single-process Temporal server on SQLite for
// development: `make dev` uses it so that a newcomer needs no cluster. The
// state lives in one file, so a restart keeps every round.
package temporalserver

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

// Config says where the server keeps its state and where it listens.
type Config struct {
	// DatabaseFile is the SQLite file; created with the schema on first start.
	DatabaseFile string
	// Postgres, when set instead, keeps the state in PostgreSQL.
	Postgres *Postgres
	// Address is the frontend's host:port, e.g. 127.0.0.1:7233.
	Address string
	// Namespaces are registered at start (idempotent).
	Namespaces []string
	// LogLevel for the server's own log (default "fatal": a single-process
	// server logs transient membership errors at start and stop that mean
	// nothing to a developer; set TEMPORAL_LOG_LEVEL=warn to see them).
	LogLevel string
	// PProfPort, when set, serves Go's profiler (net/http/pprof) on the
	// frontend's host at this port.
	PProfPort int
}

// Server is a running development Temporal server.
type Server struct {
	srv     temporal.Server
	address string
}

// Start creates the schema if needed and starts all four Temporal services in
// this process. It returns once the frontend accepts connections.
func Start(cfg Config) (*Server, error) {
	host, port, err := splitAddress(cfg.Address)
	if err != nil {
		return nil, err
	}
	persistence, err := persistenceConfig(cfg)
	if err != nil {
		return nil, err
	}
	ports, err := servicePorts(host, port)
	if err != nil {
		return nil, err
	}
	srv, err := newServer(serverConfig(cfg, host, port, ports, persistence), cfg.LogLevel)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("temporalserver: start: %w", err)
	}
	if cfg.Postgres != nil {
		if err := registerNamespaces(cfg.Address, cfg.Namespaces); err != nil {
			srv.Stop()
			return nil, err
		}
	}
	return &Server{srv: srv, address: cfg.Address}, nil
}

// splitAddress splits the frontend's host:port.
func splitAddress(address string) (string, int, error) {
	host, portText, err := net.SplitHostPort(address)
	if err != nil {
		return "", 0, fmt.Errorf("temporalserver: address %q: %w", address, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return "", 0, fmt.Errorf("temporalserver: port %q: %w", portText, err)
	}
	return host, port, nil
}

// persistenceConfig sets up the server's store: PostgreSQL when configured,
// else the SQLite file.
func persistenceConfig(cfg Config) (config.Persistence, error) {
	if cfg.Postgres != nil {
		return cfg.Postgres.setup()
	}
	return sqliteSetup(cfg)
}

// serverConfig is the configuration of a single-process server: the
// frontend on port, the other services and the metrics on ports (from
// servicePorts), all on host.
func serverConfig(cfg Config, host string, port int, ports []int, persistence config.Persistence) *config.Config {
	service := func(grpc, membership int) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: grpc, MembershipPort: membership, BindOnIP: host}}
	}
	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: host},
			PProf:      config.PProf{Port: cfg.PProfPort, Host: host},
			Metrics: &metrics.Config{Prometheus: &metrics.PrometheusConfig{
				ListenAddress: net.JoinHostPort(host, strconv.Itoa(ports[7])), HandlerPath: "/metrics"}},
		},
		Persistence: persistence,
		ClusterMetadata: &cluster.Config{
			FailoverVersionIncrement: 10,
			MasterClusterName:        "active",
			CurrentClusterName:       "active",
			ClusterInformation: map[string]cluster.ClusterInformation{
				"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: cfg.Address},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			"frontend": service(port, ports[0]),
			"history":  service(ports[1], ports[2]),
			"matching": service(ports[3], ports[4]),
			"worker":   service(ports[5], ports[6]),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: cfg.Address},
	}
}

// newServer makes the server of sc, logging at level (default "fatal").
func newServer(sc *config.Config, level string) (temporal.Server, error) {
	if level == "" {
		level = "fatal"
	}
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Stdout: true, Level: level}))
	authorizer, err := authorization.GetAuthorizerFromConfig(&sc.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&sc.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: %w", err)
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(sc),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(DynamicConfig()),
	)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: new server: %w", err)
	}
	return srv, nil
}

func sqliteSetup(cfg Config) (config.Persistence, error) {
	if err := os.MkdirAll(filepath.Dir(cfg.DatabaseFile), 0o750); err != nil {
		return config.Persistence{}, fmt.Errorf("temporalserver: %w", err)
	}
	sqlCfg := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		DatabaseName:      cfg.DatabaseFile,
		ConnectAttributes: map[string]string{"mode": "rwc", "_journal_mode": "wal", "_synchronous": "2"},
	}
	if _, err := os.Stat(cfg.DatabaseFile); os.IsNotExist(err) {
		if err := sqlite.SetupSchema(sqlCfg); err != nil {
			return config.Persistence{}, fmt.Errorf("temporalserver: schema: %w", err)
		}
	}
	var namespaces []*sqlite.NamespaceConfig
	for _, ns := range cfg.Namespaces {
		nc, err := sqlite.NewNamespaceConfig("active", ns, false, nil)
		if err != nil {
			return config.Persistence{}, fmt.Errorf("temporalserver: namespace %s: %w", ns, err)
		}
		namespaces = append(namespaces, nc)
	}
	if err := sqlite.CreateNamespaces(sqlCfg, namespaces...); err != nil {
		return config.Persistence{}, fmt.Errorf("temporalserver: namespaces: %w", err)
	}
	return config.Persistence{
		DefaultStore:     sqliteplugin.PluginName,
		VisibilityStore:  sqliteplugin.PluginName,
		NumHistoryShards: 1,
		DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
	}, nil
}

// DynamicConfig is the server's tuning for the shape of our work: a round
// starts one child workflow per recipient, hundreds at once, and each child's
// start is recorded on the round's workflow. By default the history service
// lets those start tasks race for the round's lock and backs the losers off
// (a busy-workflow error), which spreads a 300-recipient launch over tens of
// seconds; the execution queue scheduler runs the tasks of a contended
// workflow one after the other instead.
func DynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.TaskSchedulerEnableExecutionQueueScheduler.Key(): true,
	}
}

// Address is the frontend's host:port.
func (s *Server) Address() string { return s.address }

// Stop shuts every service down.
func (s *Server) Stop() error { return s.srv.Stop() }

// servicePorts picks the membership and gRPC ports of the services as
// Temporal's defaults do relative to the frontend (7233: membership 6933,
// history 7234/6934, matching 7235/6935, worker 7239/6939, metrics 7237),
// so they fit the smallint column the PostgreSQL schema keeps them in, and
// checks that each is free.
func servicePorts(host string, frontend int) ([]int, error) {
	offsets := []int{-300, 1, -299, 2, -298, 6, -294, 4}
	ports := make([]int, len(offsets))
	for i, off := range offsets {
		p := frontend + off
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			return nil, fmt.Errorf("temporalserver: port %d (frontend %d%+d) is taken: %w", p, frontend, off, err)
		}
		l.Close()
		ports[i] = p
	}
	return ports, nil
}

// TestServerOption gives a temporaltest server the same tuning, keeping
// the refresh of search attributes on read that temporaltest sets.
func TestServerOption() temporal.ServerOption {
	dc := DynamicConfig()
	dc[dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key()] = true
	return temporal.WithDynamicConfigClient(dc)
}
