//! Geo reference data (a representative subset of ISO 3166).

use serde_json::{Map, Value};

use super::{q, R};
use crate::reply::{Reply, Req};

pub const COUNTRIES: &[(&str, &str)] = &[
    ("Argentina", "AR"), ("Australia", "AU"), ("Austria", "AT"), ("Belgium", "BE"), ("Brazil", "BR"),
    ("Bulgaria", "BG"), ("Canada", "CA"), ("Chile", "CL"), ("China", "CN"), ("Colombia", "CO"),
    ("Croatia", "HR"), ("Czechia", "CZ"), ("Denmark", "DK"), ("Egypt", "EG"), ("Estonia", "EE"),
    ("Finland", "FI"), ("France", "FR"), ("Germany", "DE"), ("Greece", "GR"), ("Hong Kong", "HK"),
    ("Hungary", "HU"), ("Iceland", "IS"), ("India", "IN"), ("Indonesia", "ID"), ("Ireland", "IE"),
    ("Israel", "IL"), ("Italy", "IT"), ("Japan", "JP"), ("Kenya", "KE"), ("Latvia", "LV"),
    ("Lithuania", "LT"), ("Luxembourg", "LU"), ("Malaysia", "MY"), ("Mexico", "MX"), ("Morocco", "MA"),
    ("Netherlands", "NL"), ("New Zealand", "NZ"), ("Nigeria", "NG"), ("Norway", "NO"), ("Pakistan", "PK"),
    ("Peru", "PE"), ("Philippines", "PH"), ("Poland", "PL"), ("Portugal", "PT"), ("Romania", "RO"),
    ("Saudi Arabia", "SA"), ("Serbia", "RS"), ("Singapore", "SG"), ("Slovakia", "SK"), ("Slovenia", "SI"),
    ("South Africa", "ZA"), ("South Korea", "KR"), ("Spain", "ES"), ("Sweden", "SE"), ("Switzerland", "CH"),
    ("Taiwan", "TW"), ("Thailand", "TH"), ("Turkey", "TR"), ("Ukraine", "UA"), ("United Arab Emirates", "AE"),
    ("United Kingdom", "GB"), ("United States", "US"), ("Uruguay", "UY"), ("Vietnam", "VN"),
];

const US: &[(&str, &str)] = &[
    ("Alabama", "AL"), ("Alaska", "AK"), ("Arizona", "AZ"), ("Arkansas", "AR"), ("California", "CA"),
    ("Colorado", "CO"), ("Connecticut", "CT"), ("Delaware", "DE"), ("District of Columbia", "DC"), ("Florida", "FL"),
    ("Georgia", "GA"), ("Hawaii", "HI"), ("Idaho", "ID"), ("Illinois", "IL"), ("Indiana", "IN"),
    ("Iowa", "IA"), ("Kansas", "KS"), ("Kentucky", "KY"), ("Louisiana", "LA"), ("Maine", "ME"),
    ("Maryland", "MD"), ("Massachusetts", "MA"), ("Michigan", "MI"), ("Minnesota", "MN"), ("Mississippi", "MS"),
    ("Missouri", "MO"), ("Montana", "MT"), ("Nebraska", "NE"), ("Nevada", "NV"), ("New Hampshire", "NH"),
    ("New Jersey", "NJ"), ("New Mexico", "NM"), ("New York", "NY"), ("North Carolina", "NC"), ("North Dakota", "ND"),
    ("Ohio", "OH"), ("Oklahoma", "OK"), ("Oregon", "OR"), ("Pennsylvania", "PA"), ("Rhode Island", "RI"),
    ("South Carolina", "SC"), ("South Dakota", "SD"), ("Tennessee", "TN"), ("Texas", "TX"), ("Utah", "UT"),
    ("Vermont", "VT"), ("Virginia", "VA"), ("Washington", "WA"), ("West Virginia", "WV"), ("Wisconsin", "WI"),
    ("Wyoming", "WY"),
];
const CA: &[(&str, &str)] = &[
    ("Alberta", "AB"), ("British Columbia", "BC"), ("Manitoba", "MB"), ("New Brunswick", "NB"),
    ("Newfoundland and Labrador", "NL"), ("Nova Scotia", "NS"), ("Ontario", "ON"), ("Prince Edward Island", "PE"),
    ("Quebec", "QC"), ("Saskatchewan", "SK"), ("Northwest Territories", "NT"), ("Nunavut", "NU"), ("Yukon", "YT"),
];
const AU: &[(&str, &str)] = &[
    ("Australian Capital Territory", "ACT"), ("New South Wales", "NSW"), ("Northern Territory", "NT"), ("Queensland", "QLD"),
    ("South Australia", "SA"), ("Tasmania", "TAS"), ("Victoria", "VIC"), ("Western Australia", "WA"),
];
const GB: &[(&str, &str)] = &[("England", "ENG"), ("Northern Ireland", "NIR"), ("Scotland", "SCT"), ("Wales", "WLS")];
const DE: &[(&str, &str)] = &[
    ("Baden-Württemberg", "BW"), ("Bavaria", "BY"), ("Berlin", "BE"), ("Brandenburg", "BB"), ("Bremen", "HB"),
    ("Hamburg", "HH"), ("Hesse", "HE"), ("Lower Saxony", "NI"), ("Mecklenburg-Vorpommern", "MV"),
    ("North Rhine-Westphalia", "NW"), ("Rhineland-Palatinate", "RP"), ("Saarland", "SL"), ("Saxony", "SN"),
    ("Saxony-Anhalt", "ST"), ("Schleswig-Holstein", "SH"), ("Thuringia", "TH"),
];
const IN: &[(&str, &str)] = &[
    ("Delhi", "DL"), ("Gujarat", "GJ"), ("Karnataka", "KA"), ("Kerala", "KL"), ("Maharashtra", "MH"),
    ("Punjab", "PB"), ("Rajasthan", "RJ"), ("Tamil Nadu", "TN"), ("Telangana", "TG"), ("Uttar Pradesh", "UP"),
    ("West Bengal", "WB"),
];

pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(_, c)| c.eq_ignore_ascii_case(code.trim())).map(|(n, _)| *n)
}

fn map(pairs: &[(&str, &str)]) -> Value {
    Value::Object(pairs.iter().map(|(n, c)| (n.to_string(), Value::String(c.to_string()))).collect::<Map<_, _>>())
}

pub fn countries(_r: &Req) -> R {
    Ok(Reply::ok("Countries fetched successfully", map(COUNTRIES)))
}

pub fn states(r: &Req) -> R {
    let cc = q(r, "countryCode")?.to_ascii_uppercase();
    if country_name(&cc).is_none() {
        return Err(Reply::err(404, format!("Unknown country code '{cc}'")));
    }
    let states: &[(&str, &str)] = match cc.as_str() {
        "US" => US,
        "CA" => CA,
        "AU" => AU,
        "GB" => GB,
        "DE" => DE,
        "IN" => IN,
        _ => &[],
    };
    Ok(Reply::ok("States fetched successfully", map(states)))
}
