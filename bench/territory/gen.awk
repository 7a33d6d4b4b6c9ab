# gen.awk -- a large territory instance: n accounts around 40 cities (lat/lon), with a workload
# and a potential, and k sellers whose homes are accounts near the cities.
#   awk -v n=100000 -v k=200 -v seed=1 -v out=DIR -f gen.awk
# writes DIR/units.csv (id,lat,lon,workload,potential) and DIR/territories.csv (territory,home).
function gauss() { return sqrt(-2 * log(1 - rand())) * cos(6.283185307 * rand()) }
BEGIN {
  srand(seed)
  ncity = 40
  for (c = 0; c < ncity; c++) {
    clat[c] = 36 + 22 * rand(); clon[c] = -8 + 32 * rand()   # a Europe-sized box
    csize[c] = 0.3 + 1.5 * rand()                            # spread in degrees
    cw[c] = rand() ^ 2                                       # big and small cities
  }
  tw = 0; for (c = 0; c < ncity; c++) tw += cw[c]
  units = out "/units.csv"; terrs = out "/territories.csv"
  print "id,lat,lon,workload,potential" > units
  for (i = 1; i <= n; i++) {
    if (rand() < 0.15) { lat = 36 + 22 * rand(); lon = -8 + 32 * rand() }  # rural accounts
    else {
      r = rand() * tw; for (c = 0; c < ncity - 1 && r > cw[c]; c++) r -= cw[c]
      lat = clat[c] + csize[c] * gauss() * 0.5; lon = clon[c] + csize[c] * gauss() * 0.7
    }
    wl = 1 + int(20 * rand() ^ 2)                   # visits a year
    pot = int(1000 * exp(1.2 * gauss()))           # potential, skewed
    printf "A%06d,%.5f,%.5f,%d,%d\n", i, lat, lon, wl, pot > units
    if (i <= k) home[i] = 1
  }
  print "territory,home" > terrs
  # homes: k accounts spread through the list (accounts are in random order, so homes fall
  # where the accounts are)
  step = int(n / k)
  for (t = 1; t <= k; t++) printf "S%03d,A%06d\n", t, (t - 1) * step + 1 > terrs
}
