# gen.awk -- a deterministic deal history for reins forecast (docs/forecast.md).
#
#   awk -v seed=1 -v sellers=20 -v per_manager=5 -v start=2025-01-01 -v end=2026-08-05 \
#       -v rate=1.5 [-v open=100000] [-v people=P.csv] [-v calls=C.csv] [-v quotas=Q.csv] \
#       -f gen.awk > history.csv
#
# A VP, managers each leading per_manager sellers. Each seller creates about
# `rate` deals a week from start to end; a deal moves Qualify -> Discover ->
# Propose -> Negotiate -> won, may be lost at each step (less so for skilled
# sellers), and its cd date slips now and then. Events after `end` are not
# written, so deals still moving then are open. With open=N, more deals
# created in the last 45 days are added until N are open at the end.
# people/calls/quotas name optional files to write as well: calls are made at
# week 4 of each complete quarter, a third of the sellers sandbagging (-20%),
# a third optimistic (+25%). With -v swing=S each quarter gets a mood
# e^(S x normal) that divides the chance of losing a deal at each step.

function civil(days,    z, era, doe, yoe, y, doy, mp, d, m) {
  z = days + 719468
  era = int((z >= 0 ? z : z - 146096) / 146097)
  doe = z - era * 146097
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
  y = yoe + era * 400
  doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
  mp = int((5 * doy + 2) / 153)
  d = doy - int((153 * mp + 2) / 5) + 1
  m = mp < 10 ? mp + 3 : mp - 9
  return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
}
function days(s,    y, m, d, era, yoe, doy, doe) {
  y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
  y -= m <= 2
  era = int((y >= 0 ? y : y - 399) / 400)
  yoe = y - era * 400
  doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
  return era * 146097 + doe - 719468
}
function quarter_of(day,    s, y, m) {
  s = civil(day); y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0
  return y * 4 + int((m - 1) / 3)
}
function qstart(q,    y, m) { y = int(q / 4); m = (q % 4) * 3 + 1; return days(sprintf("%04d-%02d-01", y, m)) }
# A quarter that goes well or badly for everyone (-v swing=0.3): deals are lost
# less or more often in it.
function mood(day,    q) {
  if (swing + 0 <= 0) return 1
  q = quarter_of(day)
  if (!(q in moods)) moods[q] = exp(swing * gauss())
  return moods[q]
}
function gauss() { return sqrt(-2 * log(1 - rand())) * cos(6.283185307179586 * rand()) }
function ev(deal, owner, day, field, value) {
  if (day > horizon) return 0
  printf "%s,%s,%s,%s,%s\n", deal, owner, civil(day), field, value
  return 1
}
# One deal's life; returns 1 if it is still open at the horizon.
function deal(id, s, created,    owner, amount, cd, t, st, r, plose) {
  owner = sname[s]
  amount = int(exp(log(500000) + 0.9 * gauss()))
  cd = created + 30 + int(rand() * 90)
  ev(id, owner, created, "created", "")
  ev(id, owner, created, "stage", stage[0])
  ev(id, owner, created, "amount_minor", amount)
  ev(id, owner, created, "close_date", civil(cd))
  t = created; st = 0
  while (1) {
    t += 5 + int(rand() * 25 * (1 + st * 0.4))
    if (t > horizon) return 1
    plose = 0.22 / skill[s] / mood(t)
    if (rand() < plose) { ev(id, owner, t, "status", "lost"); return 0 }
    if (st == 3) {
      if (rand() < 0.3) ev(id, owner, t, "amount_minor", int(amount * (0.8 + 0.3 * rand())))
      ev(id, owner, t, "status", "won")
      wonq[s, quarter_of(t)] += amount
      return 0
    }
    st++
    ev(id, owner, t, "stage", stage[st])
    if (rand() < 0.15 || t > cd) {
      cd = (t > cd ? t : cd) + 14 + int(rand() * 30)
      ev(id, owner, t, "close_date", civil(cd))
    }
  }
}
BEGIN {
  if (seed == "") seed = 1
  if (sellers == "") sellers = 20
  if (per_manager == "") per_manager = 5
  if (start == "") start = "2025-01-01"
  if (end == "") end = "2026-08-05"
  if (rate == "") rate = 1.5
  srand(seed)
  stage[0] = "Qualify"; stage[1] = "Discover"; stage[2] = "Propose"; stage[3] = "Negotiate"
  first = days(start); horizon = days(end)
  nmgr = int((sellers + per_manager - 1) / per_manager)
  for (s = 0; s < sellers; s++) {
    sname[s] = sprintf("s%03d", s + 1)
    skill[s] = 0.6 + 0.8 * rand()
    bias[s] = s % 3 == 0 ? -0.2 : (s % 3 == 1 ? 0.25 : 0)
  }
  print "deal_id,owner,at,field,value"
  n = 0; open_count = 0
  weeks = (horizon - first) / 7
  for (s = 0; s < sellers; s++) {
    k = int(rate * weeks * (0.7 + 0.6 * rand()))
    for (i = 0; i < k; i++) open_count += deal(sprintf("d%07d", ++n), s, first + int(rand() * (horizon - first)))
  }
  while (open + 0 > 0 && open_count < open + 0) {
    s = int(rand() * sellers)
    open_count += deal(sprintf("d%07d", ++n), s, horizon - int(rand() * 45))
  }
  if (people != "") {
    print "id,manager_id" > people
    print "vp," > people
    for (m = 0; m < nmgr; m++) printf "m%02d,vp\n", m + 1 > people
    for (s = 0; s < sellers; s++) printf "%s,m%02d\n", sname[s], int(s / per_manager) + 1 > people
    close(people)
  }
  if (calls != "" || quotas != "") {
    if (calls != "") print "forecaster,period,at,amount_minor" > calls
    if (quotas != "") print "person_id,period,amount_minor" > quotas
    for (q = quarter_of(first); q <= quarter_of(horizon); q++) {
      pname = sprintf("%04d-Q%d", int(q / 4), q % 4 + 1)
      for (s = 0; s < sellers; s++) {
        if (quotas != "") printf "%s,%s,%d\n", sname[s], pname, int(rate * 13 * 0.35 * 600000) > quotas
        if (calls != "" && qstart(q) >= first && qstart(q + 1) <= horizon)
          printf "%s,%s,%s,%d\n", sname[s], pname, civil(qstart(q) + 21),
            int(wonq[s, q] * (1 + bias[s]) * (0.9 + 0.2 * rand())) > calls
      }
    }
  }
}
