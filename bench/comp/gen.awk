# gen.awk -- a year of credits for a sales org, deterministic.
#
#   awk -v sellers=2000 -v credits=500000 -v out=DIR -f gen.awk
#
# Writes DIR/people.csv (a VP, 25 directors, 250 managers of 8 sellers each),
# DIR/quotas.csv (quarterly quotas for sellers, managers and directors) and
# DIR/credits.csv: deals over 2026 with 15% split between two sellers (60/40),
# 10% with an overlay specialist, four products, three deal types, and 2%
# cancelled 1 to 120 days after closing.
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
function pad(n) { return n < 10 ? "0" n : n }
BEGIN {
  seed = 42
  if (!sellers) sellers = 2000
  if (!credits) credits = 500000
  managers = int((sellers + 7) / 8); directors = int((managers + 9) / 10)
  P = out "/people.csv"; Q = out "/quotas.csv"; C = out "/credits.csv"
  print "person,manager" > P
  print "vp," > P
  for (d = 0; d < directors; d++) print "d" d ",vp" > P
  for (m = 0; m < managers; m++) print "m" m ",d" int(m / 10) > P
  for (s = 0; s < sellers; s++) print "s" s ",m" int(s / 8) > P
  split("31 28 31 30 31 30 31 31 30 31 30 31", mdays, " ")
  # quota: a seller's yearly bookings are about credits/sellers deals of ~25,000.00
  deals = credits / 1.25
  per = deals / sellers * 2500000 / 4
  print "person,period,amount" > Q
  for (q = 1; q <= 4; q++) {
    for (s = 0; s < sellers; s++) printf "s%d,2026-Q%d,%d\n", s, q, int(per * (0.8 + 0.4 * rnd())) > Q
    for (m = 0; m < managers; m++) printf "m%d,2026-Q%d,%d\n", m, q, int(per * 8 * 0.9) > Q
    for (d = 0; d < directors; d++) printf "d%d,2026-Q%d,%d\n", d, q, int(per * 80 * 0.9) > Q
  }
  print "id,deal,person,date,amount,split_bp,role,product,deal_type,cancelled_on" > C
  split("Core Analytics Platform Services", prod, " ")
  split("new renewal expansion", types, " ")
  id = 0
  for (k = 0; id < credits; k++) {
    m = 1 + int(rnd() * 12); day = 1 + int(rnd() * mdays[m])
    date = "2026-" pad(m) "-" pad(day)
    amount = int(100000 + rnd() * rnd() * 8000000)
    s = int(rnd() * sellers)
    p = prod[1 + int(rnd() * 4)]; t = types[1 + int(rnd() * 3)]
    canc = ""
    if (rnd() < 0.02) {
      cd = day + 1 + int(rnd() * 120); cm = m
      while (cd > mdays[cm] && cm < 12) { cd -= mdays[cm]; cm++ }
      if (cd > mdays[cm]) cd = mdays[cm]
      canc = "2026-" pad(cm) "-" pad(cd)
    }
    r = rnd()
    if (r < 0.15) {
      s2 = (s + 1 + int(rnd() * 7)) % sellers
      printf "%d,D%d,s%d,%s,%d,6000,direct,%s,%s,%s\n", ++id, k, s, date, amount, p, t, canc > C
      printf "%d,D%d,s%d,%s,%d,4000,direct,%s,%s,%s\n", ++id, k, s2, date, amount, p, t, canc > C
    } else {
      printf "%d,D%d,s%d,%s,%d,,direct,%s,%s,%s\n", ++id, k, s, date, amount, p, t, canc > C
    }
    if (r > 0.9) printf "%d,D%d,s%d,%s,%d,10000,overlay,%s,%s,%s\n", ++id, k, (s + 500) % sellers, date, amount, p, t, canc > C
  }
}
