$ loadgen --url ws://127.0.0.1:8080/ws --http http://127.0.0.1:8080 --source-addresses 127.0.0.2-101 --server-pid 20117 --connections 19000 --idle --processes 2 --duration 45 --ramp-rate 3000
