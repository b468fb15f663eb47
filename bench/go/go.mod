module gocxx.local/bench

go 1.19
