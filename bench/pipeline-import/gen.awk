# gen.awk -- a Salesforce-style opportunity report of n rows for the pipeline import benchmark.
#   awk -v n=100000 -v sellers=200 -v shift=0 -f gen.awk >opportunities.csv
# Owners are seller0001@bench.example ...; shift > 0 moves every close date that many days
# and every third deal one stage on, so a second import is all updates with history.
BEGIN {
  srand(42)
  if (!sellers) sellers = 200
  split("Prospecting|Qualification|Needs Analysis|Value Proposition|Id. Decision Makers|Perception Analysis|Proposal/Price Quote|Negotiation/Review|Closed Won|Closed Lost", stages, "|")
  split("Core platform;Analytics|Support plus|Onboarding;API access|Analytics", products, "|")
  print "Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Probability (%),Close Date,Created Date,Product Name"
  for (i = 1; i <= n; i++) {
    s = 1 + int(rand() * 10)
    if (shift && i % 3 == 0 && s < 8) s++
    acc = 1 + int(rand() * (n / 10 + 1))
    owner = 1 + (i % sellers)
    amount = 1000 + int(rand() * 90000)
    cents = int(rand() * 100)
    day = 1 + int(rand() * 28) + shift % 28
    if (day > 28) day -= 28
    month = 1 + int(rand() * 12)
    printf "006B%08d,Deal %d,001B%07d,Account %d,seller%04d@bench.example,\"%d,%03d.%02d\",EUR,%s,,2027-%02d-%02d,2026-%02d-01,%s\n", \
      i, i, acc, acc, owner, int(amount / 1000), amount % 1000, cents, stages[s], month, day, 1 + int(rand() * 12), products[1 + i % 4]
  }
}
