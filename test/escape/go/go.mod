module gocxx.test/escape

go 1.19
