package store

// AppendEvents lets a test hold an event's transaction open.
var AppendEvents = appendEvents
