# gen.awk -- a people CSV of N people in a tree: a VP, then each manager
# leads FANOUT people, down to sellers. Deterministic: no randomness.
#   awk -v n=50000 -v fanout=8 -f gen.awk > people.csv
BEGIN {
    if (!n) n = 10000
    if (!fanout) fanout = 8
    split("West East Central North South Enterprise Mid-Market SMB", teams, " ")
    print "name,email,title,manager_email,team,start_date,status"
    for (i = 0; i < n; i++) {
        manager = i == 0 ? "" : sprintf("person%d@bench.example", int((i - 1) / fanout))
        title = i == 0 ? "VP of Sales" : (i <= n / fanout ? "Sales Manager" : "Account Executive")
        team = i == 0 ? "" : teams[(int((i - 1) / fanout) % 8) + 1]
        year = 2015 + i % 11; month = 1 + i % 12; day = 1 + i % 28
        status = i % 37 == 0 ? "leaving" : "active"
        printf "Person %d,person%d@bench.example,%s,%s,%s,%04d-%02d-%02d,%s\n", \
            i, i, title, manager, team, year, month, day, status
    }
}
