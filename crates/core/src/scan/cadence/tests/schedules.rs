//! Schedules: frequencies, days, months and times of day read into RRULE bodies.

use super::{assert_nothing, assert_reads, rule};

#[test]
fn days_and_weekdays() {
    let daily = || rule("FREQ=DAILY");
    let workweek = || rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    assert_reads(&[
        ("Clean the slicer daily.", "daily", daily()),
        ("Do this every day before lunch", "every day", daily()),
        ("Each day, check the fridge", "Each day", daily()),
        ("Check stock once a day", "once a day", daily()),
        ("## Daily tasks", "Daily", daily()),
        ("Wipe the rods every weekday", "every weekday", workweek()),
        ("each weekday the opener counts the till", "each weekday", workweek()),
        ("Open Monday to Friday", "Monday to Friday", workweek()),
        ("Hours: Mon–Fri", "Mon–Fri", workweek()),
        ("Hours Mon-Fri only", "Mon-Fri", workweek()),
        ("on working days check mail", "on working days", workweek()),
        (
            "first working day of the month",
            "first working day of the month",
            rule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"),
        ),
        // Twice a day names no hours by itself; the hours come only when the times are given.
        ("Temperature check twice a day.", "twice a day", daily()),
        ("Stir twice daily", "twice daily", daily()),
        ("Log twice a day at 8am and 4pm", "twice a day at 8am and 4pm", rule("FREQ=DAILY;BYHOUR=8,16;BYMINUTE=0")),
        ("every other day", "every other day", rule("FREQ=DAILY;INTERVAL=2")),
    ]);
}

#[test]
fn weeks_and_named_days() {
    let weekly = || rule("FREQ=WEEKLY");
    let fortnightly = || rule("FREQ=WEEKLY;INTERVAL=2");
    assert_reads(&[
        ("Weekly: deep clean the ovens", "Weekly", weekly()),
        ("every week", "every week", weekly()),
        ("Each week, rotate the stock", "Each week", weekly()),
        ("Once a week the manager signs", "Once a week", weekly()),
        ("the weekly meeting notes", "weekly", weekly()),
        ("Check it each Monday.", "each Monday", rule("FREQ=WEEKLY;BYDAY=MO")),
        ("every Monday and Thursday", "every Monday and Thursday", rule("FREQ=WEEKLY;BYDAY=MO,TH")),
        ("Bins go out on Mondays", "on Mondays", rule("FREQ=WEEKLY;BYDAY=MO")),
        ("Mondays and Thursdays: order milk", "Mondays and Thursdays", rule("FREQ=WEEKLY;BYDAY=MO,TH")),
        ("every Wednesday", "every Wednesday", rule("FREQ=WEEKLY;BYDAY=WE")),
        (
            "every Monday, Wednesday and Friday",
            "every Monday, Wednesday and Friday",
            rule("FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ),
        ("every other week", "every other week", fortnightly()),
        ("a biweekly review", "biweekly", fortnightly()),
        ("Fortnightly, sweep the loft", "Fortnightly", fortnightly()),
        ("every 2 weeks", "every 2 weeks", fortnightly()),
        ("every two weeks", "every two weeks", fortnightly()),
        ("every other Friday", "every other Friday", rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")),
        (
            "We normally do releases every 8 weeks on Wednesdays. If",
            "every 8 weeks on Wednesdays",
            rule("FREQ=WEEKLY;INTERVAL=8;BYDAY=WE"),
        ),
        ("every 8 weeks on Wednesday", "every 8 weeks on Wednesday", rule("FREQ=WEEKLY;INTERVAL=8;BYDAY=WE")),
        ("weekly on Monday", "weekly on Monday", rule("FREQ=WEEKLY;BYDAY=MO")),
        ("every weekend", "every weekend", rule("FREQ=WEEKLY;BYDAY=SA,SU")),
        ("Attend the Monday morning handover", "the Monday morning handover", rule("FREQ=WEEKLY;BYDAY=MO")),
    ]);
}

#[test]
fn months_quarters_and_years() {
    let monthly = || rule("FREQ=MONTHLY");
    let quarterly = || rule("FREQ=MONTHLY;INTERVAL=3");
    let yearly = || rule("FREQ=YEARLY");
    let half_yearly = || rule("FREQ=MONTHLY;INTERVAL=6");
    assert_reads(&[
        ("Monthly tasks", "Monthly", monthly()),
        ("every month", "every month", monthly()),
        ("once a month", "once a month", monthly()),
        ("each month", "each month", monthly()),
        ("once per month (Safety Person)", "once per month", monthly()),
        ("monthly on the 1st", "monthly on the 1st", rule("FREQ=MONTHLY;BYMONTHDAY=1")),
        ("Pay on the 15th of every month.", "on the 15th of every month", rule("FREQ=MONTHLY;BYMONTHDAY=15")),
        ("the last day of the month", "the last day of the month", rule("FREQ=MONTHLY;BYMONTHDAY=-1")),
        ("first Monday of the month", "first Monday of the month", rule("FREQ=MONTHLY;BYDAY=1MO")),
        ("on the last Friday of the month", "on the last Friday of the month", rule("FREQ=MONTHLY;BYDAY=-1FR")),
        ("monthly on the second Tuesday", "monthly on the second Tuesday", rule("FREQ=MONTHLY;BYDAY=2TU")),
        ("Quarterly review", "Quarterly", quarterly()),
        ("every quarter", "every quarter", quarterly()),
        ("every 3 months", "every 3 months", quarterly()),
        ("first Monday of the quarter", "first Monday of the quarter", rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO")),
        ("Yearly", "Yearly", yearly()),
        ("Annually, the coordinator audits", "Annually", yearly()),
        ("once a year", "once a year", yearly()),
        ("every year", "every year", yearly()),
        ("each year", "each year", yearly()),
        ("Once to twice a year or as needed", "Once to twice a year", yearly()),
        ("annually in March", "annually in March", rule("FREQ=YEARLY;BYMONTH=3")),
        ("every January and July", "every January and July", rule("FREQ=YEARLY;BYMONTH=1,7")),
        ("twice a year", "twice a year", half_yearly()),
        ("semi-annually", "semi-annually", half_yearly()),
        ("Semiannually", "Semiannually", half_yearly()),
        ("Every Semester (approx 16-20 weeks)", "Every Semester", half_yearly()),
        ("4 times a year", "4 times a year", quarterly()),
    ]);
}

#[test]
fn hours() {
    assert_reads(&[
        ("hourly", "hourly", rule("FREQ=HOURLY")),
        ("every hour", "every hour", rule("FREQ=HOURLY")),
        ("every 2 hours", "every 2 hours", rule("FREQ=HOURLY;INTERVAL=2")),
        ("every 15 minutes", "every 15 minutes", rule("FREQ=MINUTELY;INTERVAL=15")),
    ]);
}

#[test]
fn times_of_day_join_the_schedule_they_follow_or_precede() {
    assert_reads(&[
        ("every weekday at 7am", "every weekday at 7am", rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0")),
        ("daily at 07:00", "daily at 07:00", rule("FREQ=DAILY;BYHOUR=7;BYMINUTE=0")),
        ("at 7:30 pm each Monday", "at 7:30 pm each Monday", rule("FREQ=WEEKLY;BYDAY=MO;BYHOUR=19;BYMINUTE=30")),
        ("Daily at 10:00 UTC.", "Daily at 10:00 UTC", rule("FREQ=DAILY;BYHOUR=10;BYMINUTE=0")),
        ("daily at 9.30am", "daily at 9.30am", rule("FREQ=DAILY;BYHOUR=9;BYMINUTE=30")),
        ("every day at noon", "every day at noon", rule("FREQ=DAILY;BYHOUR=12;BYMINUTE=0")),
        ("every day at 12am", "every day at 12am", rule("FREQ=DAILY;BYHOUR=0;BYMINUTE=0")),
        ("weekly on Friday at 5 p.m.", "weekly on Friday at 5 p.m", rule("FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=0")),
        (
            "monthly on the 1st at 9am",
            "monthly on the 1st at 9am",
            rule("FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0"),
        ),
        (
            "We carry out a drill every Monday morning at 10am UTC (11am BST).",
            "every Monday morning at 10am UTC",
            rule("FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0"),
        ),
        // Minutes that differ cannot be said with BYHOUR and BYMINUTE without extra firings.
        ("daily at 8:00 and 16:30", "daily at 8:00 and 16:30", rule("FREQ=DAILY")),
        // A time no clock shows is not attached, but the frequency still stands.
        ("every day at 25:00", "every day", rule("FREQ=DAILY")),
        ("every day at 13pm", "every day", rule("FREQ=DAILY")),
    ]);
}

#[test]
fn daily_oversight_is_a_role_and_an_hourly_rate_a_price_not_a_cadence() {
    assert_nothing(&[
        "Kitchen Manager provides daily oversight.",
        "Volunteers work under daily supervision of a cook",
        "responsible for the daily management of the site",
        "It affects daily life on the ward",
        "billed at an hourly rate",
        "a daily limit of 500 requests",
        "monthly salaries are set by HR",
    ]);
    assert_reads(&[
        ("Check Slack regularly (e.g. on an hourly basis)", "on an hourly basis", rule("FREQ=HOURLY")),
        ("Contractors are billed on an hourly basis.", "on an hourly basis", rule("FREQ=HOURLY")),
        ("Attend the daily management meeting", "daily", rule("FREQ=DAILY")),
        ("Fill in the daily supervision checklist", "daily", rule("FREQ=DAILY")),
        ("Clean the slicer daily, under supervision", "daily", rule("FREQ=DAILY")),
    ]);
}

#[test]
fn phrases_scheduling_tools_write() {
    let workweek = || rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    assert_reads(&[
        ("every 2 weeks on Tuesday", "every 2 weeks on Tuesday", rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")),
        ("twice a day at 9am and 5pm", "twice a day at 9am and 5pm", rule("FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0")),
        (
            "on the last business day of the month",
            "on the last business day of the month",
            rule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
        ),
        ("quarterly", "quarterly", rule("FREQ=MONTHLY;INTERVAL=3")),
        // Which days are holidays is the organization's calendar: the rule keeps its weekdays.
        ("every weekday except holidays", "every weekday except holidays", workweek()),
        ("Every weekday, except public holidays.", "Every weekday, except public holidays", workweek()),
        (
            "every weekday except bank holidays at 7am",
            "every weekday except bank holidays at 7am",
            rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0"),
        ),
        (
            "every weekday at 7am except holidays",
            "every weekday at 7am except holidays",
            rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0"),
        ),
        // Days left out are taken out of the rule's days.
        ("every day except Sundays", "every day except Sundays", rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA")),
        ("daily except weekends", "daily except weekends", workweek()),
        (
            "every day except Saturday and Sunday at 6pm",
            "every day except Saturday and Sunday at 6pm",
            rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=18;BYMINUTE=0"),
        ),
        ("every weekday except Friday", "every weekday except Friday", rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH")),
        (
            "every day except on Sundays and holidays",
            "every day except on Sundays and holidays",
            rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"),
        ),
        // An exception the rule cannot say is left for the person: the period still stands.
        ("every day except when it rains", "every day", rule("FREQ=DAILY")),
        ("monthly except in August", "monthly", rule("FREQ=MONTHLY")),
        (
            "on the 1st of every month except Mondays",
            "on the 1st of every month except Mondays",
            rule("FREQ=MONTHLY;BYMONTHDAY=1"),
        ),
    ]);
}
