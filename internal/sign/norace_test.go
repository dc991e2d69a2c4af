//go:build !race

package sign_test

const raceSlowdown = 1
