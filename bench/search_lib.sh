# Shared by bench/http.sh and bench/scale.sh: the wrk request bodies and
# script for the OQS search. Source it; it defines functions only.

# Reads rows "insurer|number|branch|birth_date" on stdin (sqlite3 or psql -A
# output) and writes them as a Lua table of OQS search bodies.
search_bodies() {
  awk -F'|' '{ gsub("-", "", $4);
    printf "b[#b+1]=[[{\"XmlMsg\":{\"MessageHeader\":{\"QualificationConfirmationDate\":\"20250602\",\"MedicalInstitutionCode\":\"1310000011\"},\"MessageBody\":{\"QualificationConfirmSearchInfo\":{\"InsurerNumber\":\"%s\",\"InsuredIdentificationNumber\":\"%s\",\"InsuredBranchNumber\":\"%s\",\"Birthdate\":\"%s\",\"LimitApplicationCertificateRelatedConsFlg\":\"1\"}}}}]]\n", $1, $2, $3, $4 }'
}

# search_script BODIES.lua TOKEN > search.lua: a wrk script that posts a
# random body from BODIES.lua with the idToken. Each thread formats every
# request once, at its start: wrk.format for each request (Lua building the
# request line and fields again) cost wrk about a sixth more CPU a request
# (13-14.5 against 10.5-13 us in quick runs), taken from the two cores the
# server shares with it; wrk sends nginx's request, the reference, as one
# string formatted once too.
search_script() {
  cat <<LUA
b = {}
dofile("$1")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "$2"
local formatted = {}
init = function(args)
  for i = 1, #b do
    formatted[i] = wrk.format(nil, "/oqs-api-pro/MSA01030/ILI01030SV01/search", nil, b[i])
  end
end
request = function()
  return formatted[math.random(#formatted)]
end
LUA
}
