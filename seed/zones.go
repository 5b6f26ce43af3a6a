package seed

// zones are the territories of the demo network. The zone graph is a DAG, not a tree: a
// municipality lies in its province and in its health-and-social district, and the Grosseto
// districts lie in the merged zona-distretto that COeSO serves.
//
// ISTAT codes are the official ones (regions 2 digits, provinces 3, municipalities 6);
// districts, health-agency areas and custom areas have none.
var zones = []Zone{
	// Regions.
	{Key: "reg-toscana", Name: "Toscana", Kind: "REGION", IstatCode: "09"},
	{Key: "reg-lombardia", Name: "Lombardia", Kind: "REGION", IstatCode: "03"},

	// Provinces and metropolitan cities.
	{Key: "prov-livorno", Name: "Provincia di Livorno", Kind: "PROVINCE", IstatCode: "049", Parents: []string{"reg-toscana"}},
	{Key: "prov-pisa", Name: "Provincia di Pisa", Kind: "PROVINCE", IstatCode: "050", Parents: []string{"reg-toscana"}},
	{Key: "prov-grosseto", Name: "Provincia di Grosseto", Kind: "PROVINCE", IstatCode: "053", Parents: []string{"reg-toscana"}},
	{Key: "prov-milano", Name: "Città metropolitana di Milano", Kind: "PROVINCE", IstatCode: "015", Parents: []string{"reg-lombardia"}},

	// Health-agency areas.
	{Key: "asl-tno", Name: "Area dell'Azienda USL Toscana nord ovest", Kind: "HEALTH_AGENCY_AREA", Parents: []string{"reg-toscana"}},
	{Key: "asl-tse", Name: "Area dell'Azienda USL Toscana sud est", Kind: "HEALTH_AGENCY_AREA", Parents: []string{"reg-toscana"}},
	{Key: "ats-milano", Name: "ATS della Città Metropolitana di Milano", Kind: "HEALTH_AGENCY_AREA", Parents: []string{"reg-lombardia"}},

	// Health-and-social districts (zone-distretto, Società della Salute, Ambiti).
	{Key: "sd-pisana", Name: "Zona Pisana", Kind: "SOCIAL_DISTRICT", Parents: []string{"prov-pisa", "asl-tno"}},
	{Key: "sd-livornese", Name: "Zona Livornese", Kind: "SOCIAL_DISTRICT", Parents: []string{"prov-livorno", "asl-tno"}},
	{Key: "sd-coeso", Name: "Zona-distretto Amiata Grossetana, Colline Metallifere e Area Grossetana", Kind: "SOCIAL_DISTRICT", Parents: []string{"prov-grosseto", "asl-tse"}},
	{Key: "sd-amiata", Name: "Amiata Grossetana", Kind: "SOCIAL_DISTRICT", Parents: []string{"sd-coeso"}},
	{Key: "sd-colline", Name: "Colline Metallifere", Kind: "SOCIAL_DISTRICT", Parents: []string{"sd-coeso"}},
	{Key: "sd-grossetana", Name: "Area Grossetana", Kind: "SOCIAL_DISTRICT", Parents: []string{"sd-coeso"}},
	{Key: "amb-sesto", Name: "Ambito territoriale di Sesto San Giovanni", Kind: "SOCIAL_DISTRICT", Parents: []string{"prov-milano", "ats-milano"}},
	{Key: "amb-milano", Name: "Ambito territoriale della Città di Milano", Kind: "SOCIAL_DISTRICT", Parents: []string{"prov-milano", "ats-milano"}},

	// Municipalities of the Zona Pisana (all nine).
	{Key: "com-pisa", Name: "Pisa", Kind: "MUNICIPALITY", IstatCode: "050026", Parents: []string{"prov-pisa", "sd-pisana"}},
	{Key: "com-cascina", Name: "Cascina", Kind: "MUNICIPALITY", IstatCode: "050008", Parents: []string{"prov-pisa", "sd-pisana"}},
	{Key: "com-san-giuliano-terme", Name: "San Giuliano Terme", Kind: "MUNICIPALITY", IstatCode: "050031", Parents: []string{"prov-pisa", "sd-pisana"}},
	{Key: "com-vecchiano", Name: "Vecchiano", Kind: "MUNICIPALITY", IstatCode: "050037", Parents: []string{"prov-pisa", "sd-pisana"}},
	{Key: "com-calci", Name: "Calci", Kind: "MUNICIPALITY", IstatCode: "050003", Parents: []string{"prov-pisa", "sd-pisana"}},
	{Key: "com-vicopisano", Name: "Vicopisano", Kind: "MUNICIPALITY", IstatCode: "050038", Parents: []string{"prov-pisa", "sd-pisana"}},
	{Key: "com-fauglia", Name: "Fauglia", Kind: "MUNICIPALITY", IstatCode: "050014", Parents: []string{"prov-pisa", "sd-pisana"}},
	{Key: "com-crespina-lorenzana", Name: "Crespina Lorenzana", Kind: "MUNICIPALITY", IstatCode: "050041", Parents: []string{"prov-pisa", "sd-pisana"}},
	{Key: "com-orciano-pisano", Name: "Orciano Pisano", Kind: "MUNICIPALITY", IstatCode: "050023", Parents: []string{"prov-pisa", "sd-pisana"}},

	// Municipalities of the Zona Livornese.
	{Key: "com-livorno", Name: "Livorno", Kind: "MUNICIPALITY", IstatCode: "049009", Parents: []string{"prov-livorno", "sd-livornese"}},
	{Key: "com-collesalvetti", Name: "Collesalvetti", Kind: "MUNICIPALITY", IstatCode: "049008", Parents: []string{"prov-livorno", "sd-livornese"}},
	{Key: "com-capraia-isola", Name: "Capraia Isola", Kind: "MUNICIPALITY", IstatCode: "049005", Parents: []string{"prov-livorno", "sd-livornese"}},

	// Municipalities of the Colline Metallifere.
	{Key: "com-follonica", Name: "Follonica", Kind: "MUNICIPALITY", IstatCode: "053009", Parents: []string{"prov-grosseto", "sd-colline"}},
	{Key: "com-gavorrano", Name: "Gavorrano", Kind: "MUNICIPALITY", IstatCode: "053010", Parents: []string{"prov-grosseto", "sd-colline"}},
	{Key: "com-massa-marittima", Name: "Massa Marittima", Kind: "MUNICIPALITY", IstatCode: "053015", Parents: []string{"prov-grosseto", "sd-colline"}},
	{Key: "com-monterotondo-marittimo", Name: "Monterotondo Marittimo", Kind: "MUNICIPALITY", IstatCode: "053027", Parents: []string{"prov-grosseto", "sd-colline"}},
	{Key: "com-montieri", Name: "Montieri", Kind: "MUNICIPALITY", IstatCode: "053017", Parents: []string{"prov-grosseto", "sd-colline"}},
	{Key: "com-scarlino", Name: "Scarlino", Kind: "MUNICIPALITY", IstatCode: "053024", Parents: []string{"prov-grosseto", "sd-colline"}},

	// Municipalities of the Area Grossetana.
	{Key: "com-grosseto", Name: "Grosseto", Kind: "MUNICIPALITY", IstatCode: "053011", Parents: []string{"prov-grosseto", "sd-grossetana"}},
	{Key: "com-castiglione-della-pescaia", Name: "Castiglione della Pescaia", Kind: "MUNICIPALITY", IstatCode: "053006", Parents: []string{"prov-grosseto", "sd-grossetana"}},
	{Key: "com-campagnatico", Name: "Campagnatico", Kind: "MUNICIPALITY", IstatCode: "053002", Parents: []string{"prov-grosseto", "sd-grossetana"}},
	{Key: "com-civitella-paganico", Name: "Civitella Paganico", Kind: "MUNICIPALITY", IstatCode: "053008", Parents: []string{"prov-grosseto", "sd-grossetana"}},
	{Key: "com-roccastrada", Name: "Roccastrada", Kind: "MUNICIPALITY", IstatCode: "053021", Parents: []string{"prov-grosseto", "sd-grossetana"}},
	{Key: "com-scansano", Name: "Scansano", Kind: "MUNICIPALITY", IstatCode: "053023", Parents: []string{"prov-grosseto", "sd-grossetana"}},

	// Municipalities of the Amiata Grossetana.
	{Key: "com-arcidosso", Name: "Arcidosso", Kind: "MUNICIPALITY", IstatCode: "053001", Parents: []string{"prov-grosseto", "sd-amiata"}},
	{Key: "com-castel-del-piano", Name: "Castel del Piano", Kind: "MUNICIPALITY", IstatCode: "053004", Parents: []string{"prov-grosseto", "sd-amiata"}},
	{Key: "com-castell-azzara", Name: "Castell'Azzara", Kind: "MUNICIPALITY", IstatCode: "053005", Parents: []string{"prov-grosseto", "sd-amiata"}},
	{Key: "com-cinigiano", Name: "Cinigiano", Kind: "MUNICIPALITY", IstatCode: "053007", Parents: []string{"prov-grosseto", "sd-amiata"}},
	{Key: "com-roccalbegna", Name: "Roccalbegna", Kind: "MUNICIPALITY", IstatCode: "053020", Parents: []string{"prov-grosseto", "sd-amiata"}},
	{Key: "com-santa-fiora", Name: "Santa Fiora", Kind: "MUNICIPALITY", IstatCode: "053022", Parents: []string{"prov-grosseto", "sd-amiata"}},
	{Key: "com-seggiano", Name: "Seggiano", Kind: "MUNICIPALITY", IstatCode: "053025", Parents: []string{"prov-grosseto", "sd-amiata"}},
	{Key: "com-semproniano", Name: "Semproniano", Kind: "MUNICIPALITY", IstatCode: "053028", Parents: []string{"prov-grosseto", "sd-amiata"}},

	// Municipalities of the Lombard Ambiti.
	{Key: "com-sesto-san-giovanni", Name: "Sesto San Giovanni", Kind: "MUNICIPALITY", IstatCode: "015209", Parents: []string{"prov-milano", "amb-sesto"}},
	{Key: "com-cologno-monzese", Name: "Cologno Monzese", Kind: "MUNICIPALITY", IstatCode: "015081", Parents: []string{"prov-milano", "amb-sesto"}},
	{Key: "com-milano", Name: "Milano", Kind: "MUNICIPALITY", IstatCode: "015146", Parents: []string{"prov-milano", "amb-milano"}},

	// Custom areas a network defines for itself.
	{Key: "cz-golfo-follonica", Name: "Golfo di Follonica – area dei lavori stagionali (agricoltura e turismo)", Kind: "CUSTOM", Parents: []string{"sd-colline"}},
}
