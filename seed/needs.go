package seed

// needs is the need taxonomy of a person's personalised plan: the areas of the COMMIT plan
// (000) and of the InLav service package (001), each with its narrower needs. A code is dotted
// from broad to narrow, and the part before the last dot is the broader need's code.
var needs = []Need{
	{Code: "training", LabelIt: "Formazione", LabelEn: "Training"},
	{Code: "training.language", LabelIt: "Formazione linguistica (italiano L2)", LabelEn: "Language training (Italian as a second language)", Broader: "training"},
	{Code: "training.vocational", LabelIt: "Formazione professionalizzante", LabelEn: "Vocational training", Broader: "training"},
	{Code: "training.digital", LabelIt: "Alfabetizzazione informatica", LabelEn: "Digital literacy", Broader: "training"},
	{Code: "training.internship", LabelIt: "Tirocini formativi", LabelEn: "Traineeships", Broader: "training"},

	{Code: "work", LabelIt: "Lavoro", LabelEn: "Work"},
	{Code: "work.orientation", LabelIt: "Orientamento al lavoro", LabelEn: "Job orientation", Broader: "work"},
	{Code: "work.job_search", LabelIt: "Ricerca attiva del lavoro", LabelEn: "Job search", Broader: "work"},
	{Code: "work.placement", LabelIt: "Inserimento lavorativo e borse lavoro", LabelEn: "Work placement and work grants", Broader: "work"},
	{Code: "work.skills_certification", LabelIt: "Attestazione e certificazione delle competenze", LabelEn: "Skills certification", Broader: "work"},
	{Code: "work.business_startup", LabelIt: "Avvio d'impresa", LabelEn: "Business start-up", Broader: "work"},
	{Code: "work.inclusion_allowance", LabelIt: "Indennità di inclusione lavorativa", LabelEn: "Work-inclusion allowance", Broader: "work"},

	{Code: "housing", LabelIt: "Casa", LabelEn: "Housing"},
	{Code: "housing.emergency_shelter", LabelIt: "Ospitalità in emergenza", LabelEn: "Emergency shelter", Broader: "housing"},
	{Code: "housing.autonomy", LabelIt: "Autonomia abitativa", LabelEn: "Housing autonomy", Broader: "housing"},
	{Code: "housing.rent_support", LabelIt: "Sostegno all'affitto", LabelEn: "Rent support", Broader: "housing"},

	{Code: "health", LabelIt: "Salute", LabelEn: "Health"},
	{Code: "health.orientation", LabelIt: "Orientamento ai servizi socio-sanitari", LabelEn: "Orientation to social and health services", Broader: "health"},
	{Code: "health.access_care", LabelIt: "Accesso alle cure (iscrizione al SSR, STP/ENI)", LabelEn: "Access to health care (health-service registration, STP/ENI)", Broader: "health"},
	{Code: "health.psychological", LabelIt: "Supporto psicologico", LabelEn: "Psychological support", Broader: "health"},

	{Code: "legal", LabelIt: "Consulenza e assistenza giuridico-legale e sindacale", LabelEn: "Legal and trade-union advice"},
	{Code: "legal.advice", LabelIt: "Consulenza e assistenza legale", LabelEn: "Legal advice and assistance", Broader: "legal"},
	{Code: "legal.immigration", LabelIt: "Consulenza su permesso di soggiorno e immigrazione", LabelEn: "Residence-permit and immigration advice", Broader: "legal"},
	{Code: "legal.union", LabelIt: "Consulenza sindacale", LabelEn: "Trade-union advice", Broader: "legal"},
	{Code: "legal.wage_claims", LabelIt: "Recupero crediti di lavoro", LabelEn: "Wage claims", Broader: "legal"},

	{Code: "social", LabelIt: "Supporto sociale", LabelEn: "Social support"},
	{Code: "social.listening", LabelIt: "Ascolto e segretariato sociale", LabelEn: "Listening and social secretariat", Broader: "social"},
	{Code: "social.case_management", LabelIt: "Presa in carico sociale e case management", LabelEn: "Social taking charge and case management", Broader: "social"},

	{Code: "basic", LabelIt: "Bisogni primari", LabelEn: "Basic needs"},
	{Code: "basic.food", LabelIt: "Alimentazione (mense, pacchi alimentari)", LabelEn: "Food (canteens, food parcels)", Broader: "basic"},
	{Code: "basic.hygiene", LabelIt: "Igiene personale e vestiario", LabelEn: "Hygiene and clothing", Broader: "basic"},
	{Code: "basic.first_aid", LabelIt: "Primo soccorso", LabelEn: "First aid", Broader: "basic"},

	{Code: "mediation", LabelIt: "Mediazione linguistico-culturale", LabelEn: "Language and cultural mediation"},
	{Code: "mediation.linguistic", LabelIt: "Mediazione linguistica e interpretariato", LabelEn: "Language mediation and interpreting", Broader: "mediation"},
	{Code: "mediation.intercultural", LabelIt: "Mediazione interculturale", LabelEn: "Intercultural mediation", Broader: "mediation"},

	{Code: "protection", LabelIt: "Protezione", LabelEn: "Protection"},
	{Code: "protection.art18", LabelIt: "Programma di protezione ex art. 18 D.Lgs. 286/1998", LabelEn: "Art. 18 protection programme", Broader: "protection"},
	{Code: "protection.anti_trafficking", LabelIt: "Assistenza alle vittime di tratta e grave sfruttamento", LabelEn: "Assistance to victims of trafficking and severe exploitation", Broader: "protection"},
	{Code: "protection.emergency", LabelIt: "Pronto intervento sociale in emergenza", LabelEn: "Social emergency response", Broader: "protection"},

	{Code: "mobility", LabelIt: "Mobilità", LabelEn: "Mobility"},
	{Code: "mobility.local_transport", LabelIt: "Trasporto locale e tariffe agevolate", LabelEn: "Local transport and reduced fares", Broader: "mobility"},
	{Code: "mobility.work_transport", LabelIt: "Trasporto verso il luogo di lavoro", LabelEn: "Transport to the workplace", Broader: "mobility"},

	{Code: "balance", LabelIt: "Conciliazione famiglia-lavoro", LabelEn: "Work-family balance"},
	{Code: "balance.childcare", LabelIt: "Servizi per l'infanzia e voucher educativi", LabelEn: "Childcare and education vouchers", Broader: "balance"},
	{Code: "balance.care_vouchers", LabelIt: "Buoni per carichi di cura", LabelEn: "Care vouchers", Broader: "balance"},

	{Code: "information", LabelIt: "Informazione sui diritti e sull'accesso ai servizi", LabelEn: "Information on rights and on access to services"},
	{Code: "information.rights", LabelIt: "Diritti del lavoro (lavoro nero e lavoro grigio)", LabelEn: "Labour rights (undeclared and grey work)", Broader: "information"},
	{Code: "information.services_access", LabelIt: "Accesso ai servizi del territorio", LabelEn: "Access to local services", Broader: "information"},
	{Code: "information.forms", LabelIt: "Supporto per documenti e pratiche", LabelEn: "Help with documents and forms", Broader: "information"},
}
