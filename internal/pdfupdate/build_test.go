package pdfupdate_test

import (
	"bytes"
	"fmt"
	"sort"
)

func sortedKeys(m map[int]string) []int {
	var keys []int
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// appendRevision adds an incremental update with a classic table that
// redefines objs (number → body) and frees the numbers in free.
func appendRevision(raw []byte, prev int, size int, objs map[int]string, free ...int) []byte {
	b := bytes.NewBuffer(append([]byte{}, raw...))
	offsets := map[int]int{}
	for _, n := range sortedKeys(objs) {
		offsets[n] = b.Len()
		fmt.Fprintf(b, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	xref := b.Len()
	b.WriteString("xref\n")
	for _, n := range sortedKeys(objs) {
		fmt.Fprintf(b, "%d 1\n%010d 00000 n \n", n, offsets[n])
	}
	for _, n := range free {
		fmt.Fprintf(b, "%d 1\n0000000000 00001 f \n", n)
	}
	fmt.Fprintf(b, "trailer\n<</Size %d /Root 1 0 R /Prev %d>>\nstartxref\n%d\n%%%%EOF\n", size, prev, xref)
	return b.Bytes()
}
