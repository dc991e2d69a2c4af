package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLaunchPublic: the starter file's "public" field reaches the launch;
// a file without it publishes the round (issue 19).
func TestLaunchPublic(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]bool{
		"dnr: KS 2026/1\ntitle: Prov\ndeadline: 2030-01-01\nrecipients: [bromma]\n":                true,
		"dnr: KS 2026/1\ntitle: Prov\ndeadline: 2030-01-01\nrecipients: [bromma]\npublic: true\n":  true,
		"dnr: KS 2026/1\ntitle: Prov\ndeadline: 2030-01-01\nrecipients: [bromma]\npublic: false\n": false,
	} {
		file := filepath.Join(dir, "remiss.yaml")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		l, err := readLaunch(file)
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if l.Published() != want {
			t.Errorf("%q: published %v, want %v", body, l.Published(), want)
		}
	}
}
