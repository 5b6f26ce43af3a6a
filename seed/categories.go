package seed

// categories is the service catalogue of the InLav service package (001, F2.1 to F2.6) with the
// services to companies of the SIL (002). A code is dotted from broad to narrow, and the part
// before the last dot is the broader category's code.
var categories = []Category{
	{Code: "contact", LabelIt: "Contatto e identificazione", LabelEn: "Contact and identification"},
	{Code: "contact.street_unit", LabelIt: "Unità di strada e postazioni mobili", LabelEn: "Street units and mobile posts", Broader: "contact"},
	{Code: "contact.drop_in", LabelIt: "Drop-in e postazioni fisse", LabelEn: "Drop-in centres and fixed posts", Broader: "contact"},
	{Code: "contact.helpline", LabelIt: "Numeri verdi e linee di ascolto", LabelEn: "Helplines", Broader: "contact"},
	{Code: "contact.outreach", LabelIt: "Attività di outreach", LabelEn: "Outreach", Broader: "contact"},
	{Code: "contact.desk", LabelIt: "Sportelli diffusi", LabelEn: "Spread desks", Broader: "contact"},
	{Code: "contact.social_media", LabelIt: "Outreach sui social media", LabelEn: "Social-media outreach", Broader: "contact"},
	{Code: "contact.materials", LabelIt: "Materiale informativo multilingue", LabelEn: "Multilingual information material", Broader: "contact"},
	{Code: "contact.forms", LabelIt: "Supporto alla compilazione di pratiche e moduli", LabelEn: "Help with forms and paperwork", Broader: "contact"},

	{Code: "taking_charge", LabelIt: "Presa in carico e accompagnamento", LabelEn: "Taking charge and accompaniment"},
	{Code: "taking_charge.assessment", LabelIt: "Prima valutazione e profilazione", LabelEn: "First assessment and profiling", Broader: "taking_charge"},
	{Code: "taking_charge.plan", LabelIt: "Piano di intervento personalizzato di emersione e inclusione socio-lavorativa", LabelEn: "Personalised plan for emergence and social and work inclusion", Broader: "taking_charge"},
	{Code: "taking_charge.case_management", LabelIt: "Case management e accompagnamento", LabelEn: "Case management and accompaniment", Broader: "taking_charge"},

	{Code: "protection", LabelIt: "Protezione delle vittime di tratta e sfruttamento lavorativo", LabelEn: "Protection of victims of trafficking and labour exploitation"},
	{Code: "protection.emergency_shelter", LabelIt: "Pronta accoglienza e accoglienza in emergenza", LabelEn: "Emergency shelter", Broader: "protection"},
	{Code: "protection.art18", LabelIt: "Programmi di protezione ex art. 18", LabelEn: "Art. 18 protection programmes", Broader: "protection"},
	{Code: "protection.second_reception", LabelIt: "Seconda accoglienza", LabelEn: "Second-stage reception", Broader: "protection"},
	{Code: "protection.reporting", LabelIt: "Emersione, segnalazione e vigilanza", LabelEn: "Emergence, reporting and inspection", Broader: "protection"},

	{Code: "social", LabelIt: "Interventi sociali", LabelEn: "Social interventions"},
	{Code: "social.rights_info", LabelIt: "Informazione sui diritti (lavoro nero e grigio)", LabelEn: "Rights information (undeclared and grey work)", Broader: "social"},
	{Code: "social.services_info", LabelIt: "Informazione sull'accesso ai servizi", LabelEn: "Information on access to services", Broader: "social"},
	{Code: "social.mediation", LabelIt: "Mediazione linguistico-culturale", LabelEn: "Language and cultural mediation", Broader: "social"},
	{Code: "social.first_assistance", LabelIt: "Prima assistenza sociale (mense, beni di prima necessità)", LabelEn: "First social assistance (canteens, basic goods)", Broader: "social"},
	{Code: "social.health_access", LabelIt: "Accesso ai servizi socio-sanitari", LabelEn: "Access to social and health care", Broader: "social"},
	{Code: "social.empowerment", LabelIt: "Empowerment e alfabetizzazione linguistica", LabelEn: "Empowerment and language literacy", Broader: "social"},
	{Code: "social.legal", LabelIt: "Assistenza legale, diritti abitativi e recupero salariale", LabelEn: "Legal assistance, housing rights and wage recovery", Broader: "social"},

	{Code: "training_work", LabelIt: "Formazione e lavoro", LabelEn: "Training and work"},
	{Code: "training_work.orientation", LabelIt: "Orientamento di base e specialistico", LabelEn: "Basic and specialist orientation", Broader: "training_work"},
	{Code: "training_work.skills_certification", LabelIt: "Certificazione delle competenze", LabelEn: "Skills certification", Broader: "training_work"},
	{Code: "training_work.courses", LabelIt: "Corsi professionalizzanti e informatici", LabelEn: "Vocational and IT courses", Broader: "training_work"},
	{Code: "training_work.job_search", LabelIt: "Servizi per la ricerca attiva del lavoro", LabelEn: "Job-search services", Broader: "training_work"},
	{Code: "training_work.business_startup", LabelIt: "Tutoraggio all'avvio d'impresa", LabelEn: "Business start-up tutoring", Broader: "training_work"},
	{Code: "training_work.internships", LabelIt: "Tirocini", LabelEn: "Internships", Broader: "training_work"},
	{Code: "training_work.work_grants", LabelIt: "Borse lavoro e apprendistato", LabelEn: "Work grants and apprenticeships", Broader: "training_work"},
	{Code: "training_work.balance", LabelIt: "Sostegno alla conciliazione famiglia-lavoro", LabelEn: "Work-family balance support", Broader: "training_work"},

	{Code: "housing_mobility", LabelIt: "Housing e mobilità", LabelEn: "Housing and mobility"},
	{Code: "housing_mobility.housing_search", LabelIt: "Supporto alla ricerca della casa e titoli per l'affitto", LabelEn: "Housing search and rent support", Broader: "housing_mobility"},
	{Code: "housing_mobility.transport", LabelIt: "Trasporto locale", LabelEn: "Local transport", Broader: "housing_mobility"},

	{Code: "companies", LabelIt: "Servizi alle imprese", LabelEn: "Services to companies"},
	{Code: "companies.labour_law", LabelIt: "Consulenza giuslavoristica", LabelEn: "Labour-law advice", Broader: "companies"},
	{Code: "companies.worker_support", LabelIt: "Supporto nella gestione di lavoratori in difficoltà", LabelEn: "Support with workers in difficulty", Broader: "companies"},
	{Code: "companies.tutor_training", LabelIt: "Formazione dei tutor aziendali", LabelEn: "Training of in-company tutors", Broader: "companies"},
}
