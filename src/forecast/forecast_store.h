/* forecast_store.h -- the forecast engine's inputs from the database.
 *
 * fc_load_store fills a struct fc_data (forecast.h) from the pipeline's
 * history log and the reporting tree, so the server and `reins forecast --db`
 * run the same model as `reins forecast --history FILE.csv`. The database is
 * written out as the documented history and people files (docs/forecast.md)
 * and read back by fc_load_history and fc_load_people: one loader, one set
 * of checks, and the two paths cannot disagree.
 *
 * Ids in the loaded data: a person is their email, a deal the decimal id of
 * its opportunity, a stage its name.
 */
#ifndef REINS_FORECAST_FORECAST_STORE_H
#define REINS_FORECAST_FORECAST_STORE_H

#include "core/err.h"
#include "core/mem.h"
#include "forecast/forecast.h"

struct store;

/* Append to `history` and `people` the CSV files the database holds: every
 * row of opportunity_history becomes the events of the fields it changed
 * (the first row of a deal: created on its created date, then its whole
 * state), and every person their manager. */
int fc_store_export(struct store *db, struct sb *history, struct sb *people, struct err *e);

/* Load the database into an empty `d` (fc_data_init'ed). On failure *d is
 * as it was. */
int fc_load_store(struct store *db, struct fc_data *d, struct err *e);

#endif
