# gen.awk -- a sales org and a year of its won deals, as the CSV files reins imports.
#   awk -v sellers=2000 -v deals=200000 -v out=DIR -f gen.awk
# Writes DIR/people.csv (a VP, a director per ten managers, a manager per eight sellers),
# DIR/quotas.csv (every seller, manager and director, each quarter of 2025),
# DIR/won.csv (a Salesforce report: `deals` deals won in 2025, spread over the year and
# the sellers) and DIR/lost.csv (2% of them lost again in 2026: the import records that
# change in each deal's history, and the plan's clawback window reverses some).
# Deterministic (srand(7)). Emails are pN@bench.example, N the person's row.
BEGIN {
  srand(7)
  if (!sellers) sellers = 2000
  if (!deals) deals = 200000
  managers = int((sellers + 7) / 8)
  directors = int((managers + 9) / 10)
  first_seller = 1 + directors + managers
  people = out "/people.csv"; quotas = out "/quotas.csv"
  won = out "/won.csv"; lost = out "/lost.csv"
  print "name,email,title,manager_email,team,start_date,status" > people
  printf "Vera Vp,p0@bench.example,VP of Sales,,,2019-01-07,active\n" > people
  for (i = 1; i < first_seller + sellers; i++) {
    if (i <= directors) { title = "Sales Director"; boss = 0 }
    else if (i < first_seller) { title = "Sales Manager"; boss = 1 + (i - directors - 1) % directors }
    else { title = "Account Executive"; boss = 1 + directors + int((i - first_seller) / 8) }
    # one seller in fifty started in November: their first quarter's quota is ramped
    start = i >= first_seller && i % 50 == 0 ? "2024-11-04" : "2020-03-02"
    printf "Person %d,p%d@bench.example,%s,p%d@bench.example,,%s,active\n", i, i, title, boss, start > people
  }
  print "email,period,amount,currency" > quotas
  for (i = 1; i < first_seller + sellers; i++) {
    amount = i <= directors ? 60000000 : i < first_seller ? 6000000 : 750000
    for (q = 1; q <= 4; q++) printf "p%d@bench.example,2025-Q%d,%d.00,USD\n", i, q, amount > quotas
  }
  split("Platform|Analytics|Platform;Analytics|Support", products, "|")
  split("New Business|Existing Business|Renewal", types, "|")
  header = "Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Probability (%),Close Date,Created Date,Product Name,Type"
  print header > won
  print header > lost
  for (d = 1; d <= deals; d++) {
    owner = first_seller + int(rand() * sellers)
    day = 1 + int((d - 1) * 365 / deals)       # close dates rise through the year
    month = 1; while (day > mdays(month)) { day -= mdays(month); month++ }
    amount = 1000 + int(rand() * 80000)
    cents = int(rand() * 100)
    acc = 1 + int(rand() * (deals / 10 + 1))
    row = sprintf("006B%08d,Deal %d,001B%07d,Account %d,p%d@bench.example,%d.%02d,USD,%%s,,2025-%02d-%02d,2024-12-01,%s,%s\n", \
      d, d, acc, acc, owner, amount, cents, month, day, products[1 + d % 4], types[1 + d % 3])
    printf row, "Closed Won" > won
    if (d % 50 == 0) printf row, "Closed Lost" > lost
  }
}
function mdays(m) { return m == 2 ? 28 : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31 }
