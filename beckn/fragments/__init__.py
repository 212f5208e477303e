"""Pre-rendered on_search fragments kept beside the catalog, so that a search is one indexed
query and a join of stored JSON (issue 19): build.py renders and stores them, search.py answers
a search from them, invalidation.py deletes them with every write of what they show."""

from beckn.fragments.build import fragment_format as fragment_format
from beckn.fragments.build import fragments_fill as fragments_fill
from beckn.fragments.build import fragments_render as fragments_render
from beckn.fragments.build import fragments_store as fragments_store
from beckn.fragments.search import CatalogAnswer as CatalogAnswer
from beckn.fragments.search import catalog_answer as catalog_answer
