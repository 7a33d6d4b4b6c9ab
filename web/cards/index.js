// cards/index.js -- every card and column module; importing one registers it.
// A later part of the product adds its module here (see home-cards.js).
import './team.js';
import './profile.js';
import './leading.js';
import './quotas.js';
import './comp.js';
import './admin.js';
import './surveys.js';
import './forecast.js';
import './territory.js';
