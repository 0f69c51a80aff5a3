$ loadgen --url ws://127.0.0.1:8081/ws --connections 16667 --idle --source-addresses 127.0.0.2-101 --server-pid 16869 --duration 240 --ramp-rate 1200
$ loadgen --url ws://127.0.0.1:8082/ws --connections 16667 --idle --source-addresses 127.0.0.2-101 --server-pid 16919 --duration 240 --ramp-rate 1200
$ loadgen --url ws://127.0.0.1:8083/ws --connections 16667 --idle --source-addresses 127.0.0.2-101 --server-pid 16922 --duration 240 --ramp-rate 1200
$ loadgen --url ws://127.0.0.1:8084/ws --connections 16667 --idle --source-addresses 127.0.0.2-101 --server-pid 16928 --duration 240 --ramp-rate 1200
$ loadgen --url ws://127.0.0.1:8085/ws --connections 16667 --idle --source-addresses 127.0.0.2-101 --server-pid 16940 --duration 240 --ramp-rate 1200
$ loadgen --url ws://127.0.0.1:8086/ws --connections 16667 --idle --source-addresses 127.0.0.2-101 --server-pid 16948 --duration 240 --ramp-rate 1200
