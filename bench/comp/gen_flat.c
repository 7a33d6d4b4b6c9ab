/* gen_flat.c -- a large flat sales team's year of credits, deterministic.
 *
 *   gen_flat SELLERS CREDIT_ROWS DIR
 *
 * Writes DIR/quotas.csv (a quarterly quota per seller) and DIR/credits.csv:
 * deals over 2026 in date order with ids counting up, 15% split 60/40 between
 * two sellers, 5% with an overlay specialist, four products, three deal types,
 * 1% cancelled 1 to 120 days after closing. No people file: the plan for it
 * (plan-flat.json) pays no roll-up. Written in C because awk takes minutes
 * over ten million rows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t seed = 42;

static double rnd(void)
{
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(seed >> 11) / 9007199254740992.0;
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: gen_flat SELLERS CREDIT_ROWS DIR\n");
        return 2;
    }
    long sellers = atol(argv[1]), rows = atol(argv[2]);
    if (sellers < 10 || rows < 1) return 2;
    FILE *q = open_out(argv[3], "quotas.csv"), *c = open_out(argv[3], "credits.csv");
    /* a seller's year is about rows / 1.2 / sellers deals of ~21,000.00 */
    double per = rows / 1.2 / (double)sellers * 2100000.0 / 4;
    fprintf(q, "person,period,amount\n");
    for (int qu = 1; qu <= 4; qu++)
        for (long s = 0; s < sellers; s++)
            fprintf(q, "s%ld,2026-Q%d,%ld\n", s, qu, (long)(per * (0.8 + 0.4 * rnd())));
    static const char *const prod[] = {"Core", "Analytics", "Platform", "Services"};
    static const char *const type[] = {"new", "renewal", "expansion"};
    fprintf(c, "id,deal,person,date,amount,split_bp,role,product,deal_type,cancelled_on\n");
    long id = 0, deal = 0;
    /* deals spread evenly over the days of the year, in date order */
    long total_deals = (long)(rows / 1.2) + 1;
    for (int m = 0; m < 12 && id < rows; m++)
        for (int day = 1; day <= mdays[m] && id < rows; day++) {
            long upto = total_deals * (m * 31 + day) / (12 * 31);
            for (; deal < upto && id < rows; deal++) {
                long amount = (long)(100000 + rnd() * rnd() * 8000000);
                long s = (long)(rnd() * (double)sellers);
                const char *p = prod[(int)(rnd() * 4)], *t = type[(int)(rnd() * 3)];
                char canc[16] = "";
                if (rnd() < 0.01) {
                    int cd = day + 1 + (int)(rnd() * 120), cm = m;
                    while (cm < 11 && cd > mdays[cm])
                        cd -= mdays[cm++];
                    if (cd > mdays[cm]) cd = mdays[cm];
                    snprintf(canc, sizeof canc, "2026-%02d-%02d", cm + 1, cd % 100);
                }
                double r = rnd();
                if (r < 0.15) {
                    long s2 = (s + 1 + (long)(rnd() * 7)) % sellers;
                    fprintf(c, "%ld,D%ld,s%ld,2026-%02d-%02d,%ld,6000,direct,%s,%s,%s\n", ++id,
                            deal, s, m + 1, day, amount, p, t, canc);
                    fprintf(c, "%ld,D%ld,s%ld,2026-%02d-%02d,%ld,4000,direct,%s,%s,%s\n", ++id,
                            deal, s2, m + 1, day, amount, p, t, canc);
                } else {
                    fprintf(c, "%ld,D%ld,s%ld,2026-%02d-%02d,%ld,,direct,%s,%s,%s\n", ++id, deal, s,
                            m + 1, day, amount, p, t, canc);
                }
                if (r > 0.95)
                    fprintf(c, "%ld,D%ld,s%ld,2026-%02d-%02d,%ld,10000,overlay,%s,%s,%s\n", ++id,
                            deal, (s + 500) % sellers, m + 1, day, amount, p, t, canc);
            }
        }
    if (fclose(q) || fclose(c)) {
        perror("gen_flat");
        return 1;
    }
    return 0;
}
